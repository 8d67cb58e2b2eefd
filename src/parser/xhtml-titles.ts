import { scanTags } from '../util/tags.js';
import { localName } from './xml-shape.js';

export interface XhtmlTitles {
  feed?: string;
  /** By entry position in the document. */
  entries: (string | undefined)[];
}

/**
 * The inner markup of Atom `type="xhtml"` titles, read from the text: xml2js keeps no order between an element's
 * text and its children, so "Collar for <i>dogs</i>" cannot be rebuilt from its tree.
 */
export function xhtmlTitles(xml: string): XhtmlTitles {
  const found: XhtmlTitles = { entries: [] };
  let entry = -1;
  let depth = 0;
  // Depth of the element the next title belongs to: the feed (1) or the current entry (2); titles of an entry's
  // <source> are deeper and ignored.
  let owner = 1;
  let innerStart = -1;
  scanTags(xml, 'xml', (tag) => {
    if (tag.close) {
      if (innerStart >= 0 && depth === owner + 1 && localName(tag.name) === 'title') {
        const inner = xml.slice(innerStart, tag.start);
        if (owner === 1) found.feed ??= inner;
        else found.entries[entry] = inner;
        innerStart = -1;
      }
      if (depth === 2 && owner === 2) owner = 1;
      depth--;
      return;
    }
    const local = localName(tag.name);
    if (depth === 1 && local === 'entry') {
      found.entries[++entry] = undefined;
      if (!tag.selfClosing) owner = 2;
    } else if (
      depth === owner &&
      local === 'title' &&
      !tag.selfClosing &&
      /\stype\s*=\s*["']xhtml["']/.test(xml.slice(tag.start, tag.end))
    ) {
      innerStart = tag.end;
    }
    if (!tag.selfClosing) depth++;
  });
  return found;
}
