import { describe, expect, it } from 'vitest';
import { parseBytes, parseDuration } from './units.js';

describe('units', () => {
  it('parses durations', () => {
    expect(parseDuration('15m')).toBe(900_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('20s')).toBe(20_000);
    expect(parseDuration(90)).toBe(90_000);
    expect(parseDuration('15 minutes')).toBeUndefined();
    expect(parseDuration('m')).toBeUndefined();
  });
  it('parses sizes', () => {
    expect(parseBytes('10MiB')).toBe(10 * 1024 * 1024);
    expect(parseBytes('512kb')).toBe(512_000);
    expect(parseBytes('2048')).toBe(2048);
    expect(parseBytes('10 parsecs')).toBeUndefined();
  });
});
