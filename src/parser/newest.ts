/**
 * Indices of the `max` newest of `times` (epoch ms; NaN when an item has no usable date), in document order. Dated
 * items rank by date, newest first; undated ones come after them in document order, since feeds list newest first.
 */
export function newestIndices(times: ArrayLike<number>, max: number): number[] {
  const count = times.length;
  if (count <= max) return Array.from({ length: count }, (_, i) => i);
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  order.sort((a, b) => {
    const ta = times[a]!;
    const tb = times[b]!;
    const da = Number.isNaN(ta);
    const db = Number.isNaN(tb);
    if (da !== db) return da ? 1 : -1;
    if (!da && ta !== tb) return tb - ta;
    return a - b;
  });
  return Array.from(order.subarray(0, Math.max(0, max))).sort((a, b) => a - b);
}
