import { parseDate } from '../processor/dates.js';
import { newestIndices } from './newest.js';
import { ByteText, scanTags, type ScanText } from '../util/tags.js';
import { localName } from './xml-shape.js';

const PUBLISHED = new Set(['pubDate', 'published', 'date', 'issued']);
const UPDATED = new Set(['updated', 'modified']);

export interface KeptItems<T = string> {
  /** The document with only the kept items (the rest of it as it was). */
  xml: T;
  /** Item elements in the original document. */
  total: number;
}

interface KeptRanges {
  total: number;
  /** [start, end) pairs, flat, of what stays of the document, in order (undefined when everything stays). */
  ranges?: number[];
}

const dateOf = (text: string) => parseDate(text.replace(/<!\[CDATA\[|\]\]>/g, '').slice(0, 200))?.getTime() ?? NaN;

/**
 * Keeps only the `max` newest item/entry elements of a feed document (by their publication date, else their update
 * date), so that a feed of a million items never becomes a million-object tree: one linear tag scan, a few numbers per
 * item, and the kept items' text. Items are the item/entry elements at most three levels down, not inside another.
 */
export function keepNewestItems(xml: string, max: number, expected = 1024): KeptItems {
  const { total, ranges } = keptRanges(xml, max, expected);
  if (!ranges) return { xml, total };
  const parts: string[] = [];
  for (let i = 0; i < ranges.length; i += 2) parts.push(xml.slice(ranges[i], ranges[i + 1]));
  return { xml: parts.join(''), total };
}

/**
 * The same cut on the undecoded bytes of a document in an ASCII-compatible encoding (see decode.ts): a feed of a
 * million items is then never decoded into a string, only its kept part is.
 */
export function keepNewestItemBytes(bytes: Buffer, max: number, expected = 1024): KeptItems<Buffer> {
  const { total, ranges } = keptRanges(new ByteText(bytes), max, expected);
  if (!ranges) return { xml: bytes, total };
  const parts: Buffer[] = [];
  for (let i = 0; i < ranges.length; i += 2) parts.push(bytes.subarray(ranges[i], ranges[i + 1]));
  return { xml: Buffer.concat(parts), total };
}

/**
 * Where each item/entry element (at most three levels down, not inside another) starts and ends, and with `dated` its
 * date (reading the dates was 70 % of the scan of a 5,000-item document).
 */
interface ItemSpans {
  starts: Numbers<Uint32Array>;
  ends: Numbers<Uint32Array>;
  times: Numbers<Float64Array>;
}

/**
 * A document whose items form one run (nothing but whitespace between them) as several documents of at most `perPart`
 * items each: the part before the first item and after the last repeated around each run of items. Parsed one after
 * the other, they give the items the whole would, while the event loop gets a turn between them. Undefined when the
 * document has no more items than that, or anything else stands between its items.
 */
export function splitItems(xml: string, perPart: number, expected = 1024): string[] | undefined {
  const { starts, ends } = itemSpans(xml, expected, false);
  const total = ends.length;
  if (total <= perPart || starts.length !== total) return undefined;
  for (let i = 1; i < total; i++) if (!isBlank(xml, ends.at(i - 1), starts.at(i))) return undefined;
  const head = xml.slice(0, starts.at(0));
  const tail = xml.slice(ends.at(total - 1));
  const parts: string[] = [];
  for (let i = 0; i < total; i += perPart) {
    const last = Math.min(i + perPart, total) - 1;
    parts.push(head + xml.slice(starts.at(i), ends.at(last)) + tail);
  }
  return parts;
}

function itemSpans(xml: ScanText, expected: number, dated: boolean): ItemSpans {
  // Typed arrays sized for the items expected: a million items cost 16 MB here, where number arrays grown by push
  // cost several times that.
  const starts = new Numbers(Uint32Array, expected);
  const ends = new Numbers(Uint32Array, expected);
  const times = new Numbers(Float64Array, expected);
  let depth = 0;
  let itemDepth = 0;
  let field: 'published' | 'updated' | undefined;
  let fieldStart = 0;
  let published = NaN;
  let updated = NaN;
  scanTags(xml, 'xml', (tag) => {
    if (tag.close) {
      if (field && depth === itemDepth + 1) {
        const time = dateOf(xml.slice(fieldStart, Math.min(tag.start, fieldStart + 400)));
        if (field === 'published' && Number.isNaN(published)) published = time;
        if (field === 'updated' && Number.isNaN(updated)) updated = time;
        field = undefined;
      }
      if (itemDepth > 0 && depth === itemDepth) {
        ends.push(tag.end);
        times.push(Number.isNaN(published) ? updated : published);
        itemDepth = 0;
      }
      depth--;
      return;
    }
    const local = localName(tag.name);
    if (itemDepth === 0 && depth < 3 && (local === 'item' || local === 'entry')) {
      starts.push(tag.start);
      if (tag.selfClosing) {
        ends.push(tag.end);
        times.push(NaN);
        return;
      }
      itemDepth = depth + 1;
      published = NaN;
      updated = NaN;
    } else if (dated && itemDepth > 0 && depth === itemDepth && !tag.selfClosing) {
      field = PUBLISHED.has(local) ? 'published' : UPDATED.has(local) ? 'updated' : undefined;
      fieldStart = tag.end;
    }
    if (!tag.selfClosing) depth++;
  });

  return { starts, ends, times };
}

function keptRanges(xml: ScanText, max: number, expected: number): KeptRanges {
  const { starts, ends, times } = itemSpans(xml, expected, true);
  const total = ends.length;
  if (total <= max) return { total };
  const ranges = [0, starts.at(0)];
  const kept = newestIndices(times.view(), max);
  let next = 0;
  for (let i = 0; i < total; i++) {
    if (kept[next] === i) {
      ranges.push(starts.at(i), ends.at(i));
      next++;
    }
    // Whatever sits between items (rarely more than whitespace) stays.
    const gapEnd = i + 1 < total ? starts.at(i + 1) : xml.length;
    if (i + 1 === total || !isBlank(xml, ends.at(i), gapEnd)) ranges.push(ends.at(i), gapEnd);
  }
  return { total, ranges };
}

function isBlank(text: ScanText, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return false;
  }
  return true;
}

/** A growable typed array. */
class Numbers<T extends Uint32Array | Float64Array> {
  private data: T;
  length = 0;

  constructor(
    private readonly type: { new (length: number): T },
    capacity: number,
  ) {
    this.data = new type(Math.max(16, capacity));
  }

  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = new this.type(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }

  at(index: number): number {
    return this.data[index]!;
  }

  view(): T {
    return this.data.subarray(0, this.length) as T;
  }
}
