import { scanTags, type ScanText } from '../util/tags.js';

export const localName = (name: string) => name.slice(name.indexOf(':') + 1);

export interface XmlShape {
  /** The root element's qualified name, if there is one. */
  root?: string;
  /** item/entry start tags, anywhere: an upper bound on the items a parser will find. */
  items: number;
  /** Deepest element nesting seen (an upper bound). */
  depth: number;
}

/** A linear first look at an XML document, cheap enough to run on every feed before a parser builds anything.
 * (Depth is exact for well-formed XML; items counts item/entry elements at any depth.) */
export function xmlShape(xml: ScanText): XmlShape {
  let root: string | undefined;
  let items = 0;
  let depth = 0;
  let deepest = 0;
  scanTags(xml, 'xml', (tag) => {
    if (tag.close) {
      depth = Math.max(0, depth - 1);
      return;
    }
    root ??= tag.name;
    const local = localName(tag.name);
    if (local === 'item' || local === 'entry') items++;
    if (!tag.selfClosing) deepest = Math.max(deepest, ++depth);
  });
  return { root, items, depth: deepest };
}
