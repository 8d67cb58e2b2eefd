import { expect, it } from 'vitest';
import { clampLease, leaseEnd } from './lease.js';

const limits = { default: 86_400, min: 3600, max: 864_000 };

it('grants the default lease when none is asked and clamps a requested one to the configured range', () => {
  expect(clampLease(undefined, limits)).toBe(86_400);
  expect(clampLease(60, limits)).toBe(3600);
  expect(clampLease(7200, limits)).toBe(7200);
  expect(clampLease(9_999_999_999, limits)).toBe(864_000);
  expect(leaseEnd(new Date(Date.UTC(2026, 0, 1)), 3600).toISOString()).toBe('2026-01-01T01:00:00.000Z');
});
