import { foldText } from '../util/text.js';

/** Words of a text, accent- and case-folded, punctuation dropped. */
export function words(text: string): string[] {
  return foldText(text).match(/[\p{L}\p{N}]+/gu) ?? [];
}

const FNV_OFFSET = 0x811c9dc5;

/** 32-bit FNV-1a, continued from `hash`: fast, well spread for short strings. */
export function fnv1a(text: string, hash = FNV_OFFSET): number {
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export const SHINGLE_SIZE = 3;

/**
 * Hashed word 3-shingles, sorted and unique: the unit of comparison between two texts, compact enough to store
 * (4 bytes a shingle) and compared by one merge. Each hash is FNV-1a of the words joined by spaces (hashed as it goes,
 * without building the joined string), the same values band keys stored by earlier versions were made from.
 */
export function shingles(text: string, size = SHINGLE_SIZE): Uint32Array {
  const list = words(text);
  if (list.length < size) return list.length > 0 ? Uint32Array.of(fnv1a(list.join(' '))) : new Uint32Array(0);
  const out = new Uint32Array(list.length - size + 1);
  for (let i = 0; i + size <= list.length; i++) {
    let hash = fnv1a(list[i]!);
    for (let k = 1; k < size; k++) hash = fnv1a(list[i + k]!, fnv1a(' ', hash));
    out[i] = hash;
  }
  out.sort();
  let n = 0;
  for (let i = 0; i < out.length; i++) if (i === 0 || out[i] !== out[n - 1]) out[n++] = out[i]!;
  return out.slice(0, n);
}

/** |A∩B| / min(|A|,|B|) of two sorted shingle lists: 1 when the shorter text is wholly inside the longer (a trimmed or padded copy). */
export function containment(a: Uint32Array, b: Uint32Array): number {
  const small = Math.min(a.length, b.length);
  if (small === 0) return 0;
  let shared = 0;
  for (let i = 0, j = 0; i < a.length && j < b.length;) {
    if (a[i] === b[j]) {
      shared++;
      i++;
      j++;
    } else if (a[i]! < b[j]!) i++;
    else j++;
  }
  return shared / small;
}

/** Little-endian bytes of a shingle list, as stored (`articles.sketch`). */
export function encodeShingles(list: Uint32Array): Buffer {
  const bytes = Buffer.allocUnsafe(list.length * 4);
  for (let i = 0; i < list.length; i++) bytes.writeUInt32LE(list[i]!, i * 4);
  return bytes;
}

export function decodeShingles(bytes: Uint8Array): Uint32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const list = new Uint32Array(bytes.byteLength >>> 2);
  for (let i = 0; i < list.length; i++) list[i] = view.getUint32(i * 4, true);
  return list;
}
