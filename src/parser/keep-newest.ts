import sax from 'sax';
import { parseDate } from '../processor/dates.js';
import { newestIndices } from './newest.js';
import { NotAFeedError } from './types.js';
import { localName } from './xml-shape.js';

const PUBLISHED = new Set(['pubDate', 'published', 'date', 'issued']);
const UPDATED = new Set(['updated', 'modified']);

export interface KeptItems {
  /** The document with only the kept items (the rest of it as it was). */
  xml: string;
  /** Item elements in the original document. */
  total: number;
}

/**
 * Streams the document once with sax (what xml2js parses with, so errors read the same) and keeps only the `max`
 * newest item/entry elements, so that a feed of a million items never becomes a million-object tree. Refuses a
 * document nested deeper than `maxDepth`. Memory is a few numbers per item besides the output.
 */
export function keepNewestItems(xml: string, max: number, maxDepth: number): KeptItems {
  const starts: number[] = [];
  const ends: number[] = [];
  const times: number[] = [];
  const parser = sax.parser(true, { trim: false, normalize: false, position: true });
  let depth = 0;
  let itemDepth = 0;
  let field: 'published' | 'updated' | undefined;
  let fieldText = '';
  let published = NaN;
  let updated = NaN;

  parser.onopentag = (tag) => {
    depth++;
    if (depth > maxDepth) throw new NotAFeedError(`not a well-formed feed: elements nested deeper than ${maxDepth} levels`);
    const local = localName(tag.name);
    if (itemDepth === 0 && depth <= 3 && (local === 'item' || local === 'entry')) {
      itemDepth = depth;
      starts.push(parser.startTagPosition - 1);
      published = NaN;
      updated = NaN;
    } else if (itemDepth > 0 && depth === itemDepth + 1) {
      field = PUBLISHED.has(local) ? 'published' : UPDATED.has(local) ? 'updated' : undefined;
      fieldText = '';
    }
  };
  const onText = (text: string) => {
    if (field && fieldText.length < 200) fieldText += text;
  };
  parser.ontext = onText;
  parser.oncdata = onText;
  parser.onclosetag = () => {
    if (field && depth === itemDepth + 1) {
      const time = parseDate(fieldText.slice(0, 200))?.getTime() ?? NaN;
      if (field === 'published' && Number.isNaN(published)) published = time;
      if (field === 'updated' && Number.isNaN(updated)) updated = time;
      field = undefined;
    }
    if (itemDepth > 0 && depth === itemDepth) {
      ends.push(parser.position);
      times.push(Number.isNaN(published) ? updated : published);
      itemDepth = 0;
    }
    depth--;
  };
  parser.onerror = (err) => {
    throw new NotAFeedError(`not a well-formed feed: ${err.message.split('\n')[0]}`);
  };
  parser.write(xml).close();

  const total = ends.length;
  if (total <= max) return { xml, total };
  const parts = [xml.slice(0, starts[0])];
  const kept = newestIndices(times, max);
  let next = 0;
  for (let i = 0; i < total; i++) {
    if (kept[next] === i) {
      parts.push(xml.slice(starts[i], ends[i]));
      next++;
    }
    // Whatever sits between items (rarely more than whitespace) stays.
    const gap = xml.slice(ends[i], i + 1 < total ? starts[i + 1] : xml.length);
    if (i + 1 === total || /\S/.test(gap)) parts.push(gap);
  }
  return { xml: parts.join(''), total };
}
