import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { DeadlineError, withDeadline } from './deadline.js';

describe('withDeadline', () => {
  it('gives the result of work that finishes in time', async () => {
    expect(
      await withDeadline(
        1000,
        undefined,
        () => 'late',
        async () => 42,
      ),
    ).toBe(42);
    await expect(
      withDeadline(
        1000,
        undefined,
        () => 'late',
        async () => {
          throw new Error('own failure');
        },
      ),
    ).rejects.toThrow('own failure');
  });

  it('abandons work that never settles, and aborts its signal', async () => {
    let seen: AbortSignal | undefined;
    const never = (signal: AbortSignal) => {
      seen = signal;
      return new Promise<never>(() => {});
    };
    const error = await withDeadline(20, undefined, () => 'stuck while parsing', never).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(DeadlineError);
    expect((error as Error).message).toBe('stuck while parsing');
    expect(seen?.aborted).toBe(true);
  });

  it('stops at once when the outer signal aborts (shutdown), before or during the work', async () => {
    const outer = new AbortController();
    const running = withDeadline(
      60_000,
      outer.signal,
      () => 'late',
      () => new Promise<never>(() => {}),
    );
    outer.abort(new Error('shutdown'));
    await expect(running).rejects.toThrow('shutdown');
    let started = false;
    await expect(
      withDeadline(
        60_000,
        outer.signal,
        () => 'late',
        async () => {
          started = true;
        },
      ),
    ).rejects.toThrow('shutdown');
    expect(started).toBe(false);
  });

  it('ignores a failure of work it has already left behind', async () => {
    let fail = () => {};
    const work = () =>
      new Promise<never>((_, reject) => {
        fail = () => reject(new Error('too late'));
      });
    await expect(withDeadline(10, undefined, () => 'late', work)).rejects.toBeInstanceOf(DeadlineError);
    fail();
    await new Promise((resolve) => setTimeout(resolve, 10));
  });

  it('leaves no listener on the outer signal, which outlives every refresh', async () => {
    const outer = new AbortController();
    await withDeadline(
      1000,
      outer.signal,
      () => 'late',
      async () => 1,
    );
    await withDeadline(
      5,
      outer.signal,
      () => 'late',
      () => new Promise<never>(() => {}),
    ).catch(() => {});
    expect(getEventListeners(outer.signal, 'abort')).toHaveLength(0);
  });
});
