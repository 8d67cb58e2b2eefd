import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { mapInSlices } from './in-slices.js';

/** Busy work of about `ms`, as a normalizer's CPU time. */
const busy = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};

describe('mapInSlices', () => {
  it('keeps order and lets a timer run between slices of long work', async () => {
    const timerTicks: number[] = [];
    let done = 0;
    const timer = setInterval(() => timerTicks.push(done), 1);
    try {
      const out = await mapInSlices(
        Array.from({ length: 40 }, (_, i) => i),
        (i) => {
          busy(2);
          done++;
          return i * 2;
        },
        undefined,
        10,
      );
      expect(out).toEqual(Array.from({ length: 40 }, (_, i) => i * 2));
    } finally {
      clearInterval(timer);
    }
    // 80 ms of work in 10 ms slices: the timer ran while items were still left, more than once.
    expect(timerTicks.filter((n) => n > 0 && n < 40).length).toBeGreaterThanOrEqual(3);
  });

  it('runs short work without giving up its turn', async () => {
    let timerRan = false;
    setImmediate(() => (timerRan = true));
    await mapInSlices([1, 2, 3], (i) => i, undefined, 10);
    expect(timerRan).toBe(false);
  });

  it('stops at the first turn after the signal aborts', async () => {
    const controller = new AbortController();
    let seen = 0;
    setTimeout(() => controller.abort(new Error('deadline')), 5);
    await expect(
      mapInSlices(
        Array.from({ length: 100 }, (_, i) => i),
        () => {
          busy(2);
          seen++;
        },
        controller.signal,
        3,
      ),
    ).rejects.toThrow('deadline');
    expect(seen).toBeLessThan(100);
  });
});
