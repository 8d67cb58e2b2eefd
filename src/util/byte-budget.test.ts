import { describe, expect, it } from 'vitest';
import { ByteBudget } from './byte-budget.js';

const settled = async <T>(promise: Promise<T>): Promise<boolean> => {
  let done = false;
  void promise.then(
    () => {
      done = true;
    },
    () => {
      done = true;
    },
  );
  await new Promise((resolve) => setImmediate(resolve));
  return done;
};

describe('ByteBudget', () => {
  it('admits while the bytes fit and makes the next wait until some are given back', async () => {
    const budget = new ByteBudget(100);
    const a = await budget.acquire(60);
    const b = budget.acquire(60);
    expect(await settled(b)).toBe(false);
    a();
    const releaseB = await b;
    expect(budget.inUse).toBe(60);
    releaseB();
    expect(budget.inUse).toBe(0);
  });

  it('admits a document larger than the whole budget when nothing else is held', async () => {
    const budget = new ByteBudget(10);
    const big = await budget.acquire(50);
    expect(budget.inUse).toBe(50);
    const small = budget.acquire(1);
    expect(await settled(small)).toBe(false);
    big();
    (await small)();
    expect(budget.inUse).toBe(0);
  });

  it('grants in order: a small request does not overtake a large one waiting', async () => {
    const budget = new ByteBudget(100);
    const first = await budget.acquire(50);
    const large = budget.acquire(80);
    const small = budget.acquire(10);
    expect(await settled(small)).toBe(false);
    first();
    const releaseLarge = await large;
    expect(await settled(small)).toBe(true);
    releaseLarge();
  });

  it('gives back once however often release is called, and drops a waiter whose signal aborts', async () => {
    const budget = new ByteBudget(100);
    const release = await budget.acquire(100);
    const controller = new AbortController();
    const aborted = budget.acquire(10, controller.signal);
    const next = budget.acquire(10);
    controller.abort(new Error('shutdown'));
    await expect(aborted).rejects.toThrow('shutdown');
    release();
    release();
    (await next)();
    expect(budget.inUse).toBe(0);
  });
});
