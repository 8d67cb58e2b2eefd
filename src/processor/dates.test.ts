import { describe, expect, it } from 'vitest';
import { effectiveDate, parseDate } from './dates.js';

const iso = (input: string) => parseDate(input)?.toISOString();

describe('parseDate', () => {
  it('reads RFC 822 and its malformations', () => {
    expect(iso('Mon, 02 Nov 2026 09:15:00 GMT')).toBe('2026-11-02T09:15:00.000Z');
    expect(iso('Sun, 01 Nov 2026 14:00:00 +0100')).toBe('2026-11-01T13:00:00.000Z');
    expect(iso('2 Nov 2026 09:15:00 EST')).toBe('2026-11-02T14:15:00.000Z');
    expect(iso('Tuesday, 03 November 2026 10:00:00 PDT')).toBe('2026-11-03T17:00:00.000Z');
    expect(iso('Mon, 2 Nov 2026 09:15')).toBe('2026-11-02T09:15:00.000Z');
  });
  it('reads ISO 8601 and its malformations', () => {
    expect(iso('2026-11-02T09:15:00Z')).toBe('2026-11-02T09:15:00.000Z');
    expect(iso('2026-11-02T09:15:00+02:00')).toBe('2026-11-02T07:15:00.000Z');
    expect(iso('2026-11-02 09:15:00')).toBe('2026-11-02T09:15:00.000Z');
    expect(iso('2026-11-02T09:15:00+0200')).toBe('2026-11-02T07:15:00.000Z');
    expect(iso('2026-11-02')).toBe('2026-11-02T00:00:00.000Z');
  });
  it('gives up on garbage', () => {
    expect(parseDate('yesterday-ish')).toBeUndefined();
    expect(parseDate('')).toBeUndefined();
    expect(parseDate(undefined)).toBeUndefined();
  });
});

describe('effectiveDate', () => {
  const now = new Date('2026-11-25T00:00:00Z');
  it('uses first-seen time when missing and clamps the future', () => {
    expect(effectiveDate(undefined, now)).toBe(now);
    expect(effectiveDate(new Date('2030-01-01T00:00:00Z'), now)).toBe(now);
    expect(effectiveDate(new Date('2026-01-01T00:00:00Z'), now).toISOString()).toBe('2026-01-01T00:00:00.000Z');
  });
});
