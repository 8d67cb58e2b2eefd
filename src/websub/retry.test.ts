import { expect, it } from 'vitest';
import { retryDelay } from './retry.js';

it('doubles the wait after each failure up to the cap, and gives up once the retries are spent', () => {
  const policy = { retries: 4, backoff: 1000, maxBackoff: 5000 };
  expect([1, 2, 3, 4, 5].map((n) => retryDelay(n, policy))).toEqual([1000, 2000, 4000, 5000, undefined]);
  expect(retryDelay(1, { ...policy, retries: 0 })).toBeUndefined();
});
