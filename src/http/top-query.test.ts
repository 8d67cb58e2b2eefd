import { describe, expect, it } from 'vitest';
import { canonicalTopParams, formatWindow, parseTopQuery, parseWindow, type TopFeedQuery } from './top-query.js';

const HOUR = 3_600_000;
const DEFAULTS: TopFeedQuery = { windowMs: 24 * HOUR, minOutlets: 2, limit: 20 };
const parse = (raw: Record<string, unknown>) => parseTopQuery(raw, DEFAULTS);
const ok = (raw: Record<string, unknown>) => {
  const result = parse(raw);
  if (!result.ok) throw new Error(result.message);
  return result.query;
};
const refusal = (raw: Record<string, unknown>) => {
  const result = parse(raw);
  return result.ok ? undefined : result.message;
};

describe('top-stories query', () => {
  it('reads window, min_outlets and limit, fills the configured defaults, ignores other parameters', () => {
    expect(ok({})).toEqual(DEFAULTS);
    expect(ok({ window: '6h', min_outlets: '3', limit: '5', before: 'x', q: 'y' })).toEqual({
      windowMs: 6 * HOUR,
      minOutlets: 3,
      limit: 5,
    });
    expect(ok({ window: '7d' }).windowMs).toBe(7 * 24 * HOUR);
    expect(ok({ window: '360m' }).windowMs).toBe(6 * HOUR);
    expect(ok({ window: '2d' }).windowMs).toBe(48 * HOUR);
  });

  it('refuses a window outside 6h…7d or not one number and one unit, naming the parameter', () => {
    for (const window of [
      '5h',
      '359m',
      '8d',
      '169h',
      '0d',
      '1d12h',
      '24',
      '24 h',
      ' 24h',
      '24H',
      '1.5d',
      '-1d',
      '',
      'P1D',
      '9999999d',
    ]) {
      expect(refusal({ window }), window).toMatch(/^query parameter "window" must be a duration from 6h to 7d/);
    }
  });

  it('refuses min_outlets and limit that are not plain whole numbers in range, and a parameter given twice', () => {
    for (const value of ['0', '-1', '1001', '2.0', '1e1', '', 'two']) {
      expect(refusal({ min_outlets: value }), value).toBe(
        'query parameter "min_outlets" must be a whole number from 1 to 1000',
      );
    }
    expect(refusal({ limit: '201' })).toBe('query parameter "limit" must be a whole number from 1 to 200');
    expect(refusal({ window: ['6h', '12h'] })).toBe('query parameter "window" must be given once');
  });

  it('spells a query one way, defaults left out, so equal requests share a cache entry', () => {
    expect(canonicalTopParams(ok({ window: '24h', min_outlets: '2', limit: '20' }), DEFAULTS).toString()).toBe('');
    expect(canonicalTopParams(ok({ window: '1d' }), DEFAULTS).toString()).toBe('');
    expect(canonicalTopParams(ok({ limit: '5', window: '2880m', min_outlets: '03' }), DEFAULTS).toString()).toBe(
      'window=2d&min_outlets=3&limit=5',
    );
    expect(canonicalTopParams(ok({ window: '90h' }), DEFAULTS).toString()).toBe('window=90h');
    expect(canonicalTopParams(ok({ window: '400m' }), DEFAULTS).toString()).toBe('window=400m');
  });

  it('round-trips every spelling it writes', () => {
    for (const ms of [6 * HOUR, 400 * 60_000, 36 * HOUR, 3 * 24 * HOUR]) expect(parseWindow(formatWindow(ms))).toBe(ms);
  });
});
