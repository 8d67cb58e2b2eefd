import { describe, expect, it } from 'vitest';
import { backoffDelay, nextPollDelay } from './backoff.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const middle = () => 0.5;

describe('backoff after failures', () => {
  it('starts at the interval and doubles with each consecutive failure', () => {
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, 15 * MINUTE, middle))).toEqual(
      [15, 30, 60, 120].map((m) => m * MINUTE),
    );
  });

  it('never waits more than a day, however many failures', () => {
    expect(backoffDelay(8, 15 * MINUTE, middle)).toBe(DAY);
    expect(backoffDelay(10_000, 15 * MINUTE, middle)).toBe(DAY);
    expect(Number.isFinite(backoffDelay(10_000, 15 * MINUTE, () => 0.999))).toBe(true);
  });

  it('spreads failing sources by ±20 %', () => {
    expect(backoffDelay(1, 10 * MINUTE, () => 0)).toBe(8 * MINUTE);
    expect(backoffDelay(1, 10 * MINUTE, () => 1)).toBe(12 * MINUTE);
    expect(backoffDelay(20, 10 * MINUTE, () => 1)).toBe(DAY * 1.2);
  });
});

describe('next poll after a success', () => {
  it('is the interval, spread by ±10 %', () => {
    expect(nextPollDelay(10 * MINUTE, undefined, middle)).toBe(10 * MINUTE);
    expect(nextPollDelay(10 * MINUTE, undefined, () => 0)).toBe(9 * MINUTE);
    expect(nextPollDelay(10 * MINUTE, undefined, () => 1)).toBe(11 * MINUTE);
  });

  it('follows a feed hint longer than the interval, up to a day, and ignores a shorter one', () => {
    expect(nextPollDelay(10 * MINUTE, 60 * MINUTE, middle)).toBe(60 * MINUTE);
    expect(nextPollDelay(10 * MINUTE, 7 * DAY, middle)).toBe(DAY);
    expect(nextPollDelay(10 * MINUTE, MINUTE, middle)).toBe(10 * MINUTE);
    expect(nextPollDelay(2 * DAY, 7 * DAY, middle)).toBe(2 * DAY);
  });
});
