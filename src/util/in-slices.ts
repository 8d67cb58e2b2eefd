import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';

/** Longest stretch of work between two turns of the event loop, in ms. */
export const SLICE_MS = 10;

/**
 * Maps items in order, giving the event loop a turn whenever a stretch of work has taken `sliceMs`: normalizing a
 * 5,000-item feed in one go held serve's HTTP server for 0.3 s, sketching it another 0.2 s. `signal` is checked at every
 * turn, so a refresh past its deadline stops here rather than finishing the whole feed first.
 */
export async function mapInSlices<T, R>(
  items: readonly T[],
  fn: (item: T) => R,
  signal?: AbortSignal,
  sliceMs = SLICE_MS,
): Promise<R[]> {
  const out: R[] = [];
  let sliceStart = performance.now();
  for (const item of items) {
    if (performance.now() - sliceStart >= sliceMs) {
      await nextTurn();
      signal?.throwIfAborted();
      sliceStart = performance.now();
    }
    out.push(fn(item));
  }
  return out;
}
