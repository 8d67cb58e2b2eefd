/** One start or end tag found by scanTags; `start`/`end` delimit it in the text (end exclusive). scanTags passes the same
 * object to every call (a million-item feed makes no million objects): read it during the call, do not keep it. */
export interface Tag {
  name: string;
  close: boolean;
  selfClosing: boolean;
  start: number;
  end: number;
}

// HTML elements whose content is not markup: scanTags jumps to their end tag.
const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'iframe', 'noembed', 'noframes', 'noscript']);

const isNameStart = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c > 127;
const isNameChar = (c: number) => isNameStart(c) || (c >= 48 && c <= 57) || c === 45 || c === 46 || c === 58;

/** Index of the ">" ending a tag whose attributes start at `from` (quoted values may hold ">"), or -1. */
function tagEnd(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 62 /* > */) return i;
    if (c === 34 /* " */ || c === 39 /* ' */) {
      i = text.indexOf(c === 34 ? '"' : "'", i + 1);
      if (i < 0) return -1;
    }
  }
  return -1;
}

/**
 * Calls `visit` for every start and end tag of `text` in document order, in time linear in its length (every search
 * moves forward), without building anything: the guard that runs before a real parser. Comments, CDATA sections (XML),
 * processing instructions and declarations are skipped; in HTML the content of raw-text elements (script, style…) is
 * skipped up to their end tag, which is visited. A tag whose closing ">" never comes ends the scan. `visit` returns
 * false to stop early. It is a tokenizer, not a parser: it checks nothing, and reads ill-formed markup however it falls.
 */
export function scanTags(text: string, mode: 'html' | 'xml', visit: (tag: Tag) => boolean | void): void {
  const html = mode === 'html';
  const tag: Tag = { name: '', close: false, selfClosing: false, start: 0, end: 0 };
  const emit = (name: string, close: boolean, selfClosing: boolean, start: number, end: number) => {
    tag.name = name;
    tag.close = close;
    tag.selfClosing = selfClosing;
    tag.start = start;
    tag.end = end;
    return visit(tag) !== false;
  };
  let i = 0;
  for (;;) {
    const lt = text.indexOf('<', i);
    if (lt < 0) return;
    const next = text.charCodeAt(lt + 1);
    if (next === 33 /* ! */ || next === 63 /* ? */) {
      const [open, close] = text.startsWith('<!--', lt) ? ['<!--', '-->']
        : !html && text.startsWith('<![CDATA[', lt) ? ['<![CDATA[', ']]>']
          : !html && next === 63 ? ['<?', '?>'] : ['<', '>'];
      const end = text.indexOf(close, lt + open.length);
      if (end < 0) return;
      i = end + close.length;
      continue;
    }
    const close = next === 47; /* / */
    const nameStart = lt + (close ? 2 : 1);
    let j = nameStart;
    if (!isNameStart(text.charCodeAt(j))) {
      i = lt + 1;
      continue;
    }
    while (j < text.length && isNameChar(text.charCodeAt(j))) j++;
    const end = tagEnd(text, j);
    if (end < 0) return;
    const name = text.slice(nameStart, j);
    const selfClosing = !close && text.charCodeAt(end - 1) === 47;
    if (!emit(name, close, selfClosing, lt, end + 1)) return;
    i = end + 1;
    const lower = html && !close && !selfClosing ? name.toLowerCase() : '';
    if (RAW_TEXT.has(lower)) {
      const endTag = new RegExp(`</${lower}[\\s/>]`, 'gi');
      endTag.lastIndex = i;
      const found = endTag.exec(text);
      if (!found) return;
      const closeEnd = text.indexOf('>', found.index);
      if (closeEnd < 0) return;
      if (!emit(name, true, false, found.index, closeEnd + 1)) return;
      i = closeEnd + 1;
    }
  }
}
