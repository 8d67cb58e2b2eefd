/** One start or end tag found by scanTags; `start`/`end` delimit it in the text (end exclusive). scanTags passes the same
 * object to every call (a million-item feed makes no million objects): read it during the call, do not keep it. */
export interface Tag {
  name: string;
  close: boolean;
  selfClosing: boolean;
  start: number;
  end: number;
}

/**
 * What scanTags reads: a string, or the bytes of a document in an ASCII-compatible encoding (ByteText), so that a
 * huge feed can be cut to its kept items before it is ever decoded into a string.
 */
export interface ScanText {
  readonly length: number;
  charCodeAt(index: number): number;
  indexOf(search: string, from: number): number;
  startsWith(search: string, at: number): boolean;
  slice(start: number, end: number): string;
}

/** Bytes read as text for scanTags: markup characters are ASCII, so their offsets are byte offsets. Names and other
 * slices come out as Latin-1, which is exact for ASCII and enough to compare element names. */
export class ByteText implements ScanText {
  constructor(readonly bytes: Buffer) {}
  get length(): number {
    return this.bytes.length;
  }
  charCodeAt(index: number): number {
    return this.bytes[index] ?? NaN;
  }
  indexOf(search: string, from: number): number {
    return search.length === 1
      ? this.bytes.indexOf(search.charCodeAt(0), from)
      : this.bytes.indexOf(search, from, 'latin1');
  }
  startsWith(search: string, at: number): boolean {
    for (let i = 0; i < search.length; i++) if (this.bytes[at + i] !== search.charCodeAt(i)) return false;
    return true;
  }
  slice(start: number, end: number): string {
    // Element names are short: building them here is cheaper than a call into Buffer's decoder for each tag.
    if (end - start > 32) return this.bytes.toString('latin1', start, end);
    let name = '';
    for (let i = start; i < end; i++) name += String.fromCharCode(this.bytes[i]!);
    return name;
  }
}

// HTML elements whose content is not markup: scanTags jumps to their end tag.
const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'iframe', 'noembed', 'noframes', 'noscript']);

const isNameStart = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c > 127;
const isNameChar = (c: number) => isNameStart(c) || (c >= 48 && c <= 57) || c === 45 || c === 46 || c === 58;

/** Index of the ">" ending a tag whose attributes start at `from` (quoted values may hold ">"), or -1. */
function tagEnd(text: ScanText, from: number): number {
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
 * HTML is scanned as a string only (its raw-text elements are found with a regular expression).
 */
export function scanTags(text: string, mode: 'html', visit: (tag: Tag) => boolean | void): void;
export function scanTags(text: ScanText, mode: 'xml', visit: (tag: Tag) => boolean | void): void;
export function scanTags(text: string, mode: 'html' | 'xml', visit: (tag: Tag) => boolean | void): void;
export function scanTags(text: ScanText, mode: 'html' | 'xml', visit: (tag: Tag) => boolean | void): void {
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
      const [open, close] = text.startsWith('<!--', lt)
        ? ['<!--', '-->']
        : !html && text.startsWith('<![CDATA[', lt)
          ? ['<![CDATA[', ']]>']
          : !html && next === 63
            ? ['<?', '?>']
            : ['<', '>'];
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
      const found = endTag.exec(text as string);
      if (!found) return;
      const closeEnd = text.indexOf('>', found.index);
      if (closeEnd < 0) return;
      if (!emit(name, true, false, found.index, closeEnd + 1)) return;
      i = closeEnd + 1;
    }
  }
}
