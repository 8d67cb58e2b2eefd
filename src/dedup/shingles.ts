import { foldText } from '../util/text.js';

/** Words of a text, accent- and case-folded, punctuation dropped. */
export function words(text: string): string[] {
  return foldText(text).match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** 32-bit FNV-1a: fast, well spread for short strings. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export const SHINGLE_SIZE = 3;

/** Hashed word 3-shingles: the unit of comparison between two texts. */
export function shingles(text: string, size = SHINGLE_SIZE): Set<number> {
  const list = words(text);
  const out = new Set<number>();
  if (list.length < size) {
    if (list.length > 0) out.add(fnv1a(list.join(' ')));
    return out;
  }
  for (let i = 0; i + size <= list.length; i++) out.add(fnv1a(list.slice(i, i + size).join(' ')));
  return out;
}

/** |A∩B| / min(|A|,|B|): 1 when the shorter text is wholly inside the longer (a trimmed or padded copy). */
export function containment(a: Set<number>, b: Set<number>): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  if (small.size === 0) return 0;
  let shared = 0;
  for (const x of small) if (large.has(x)) shared++;
  return shared / small.size;
}
