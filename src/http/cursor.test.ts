import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './cursor.js';

const raw = (text: string) => Buffer.from(text).toString('base64url');

describe('page cursor', () => {
  it('round-trips a publication time and id', () => {
    const at = new Date('2026-11-02T09:00:00.123Z');
    expect(decodeCursor(encodeCursor(at, 42))).toEqual({ publishedAt: at, id: 42 });
    const old = new Date('1969-07-20T20:17:00Z');
    expect(decodeCursor(encodeCursor(old, 1))).toEqual({ publishedAt: old, id: 1 });
  });

  it('refuses times the database or the formats cannot take, and ids that are not positive safe integers', () => {
    for (const text of [
      `${Date.UTC(10000, 0, 1)}:1`,
      `${8.64e15}:1`,
      `${Date.UTC(0, 0, 1) - 1}:1`,
      '99999999999999999:1',
      '0:0',
      '0:-1',
      '0:9007199254740992',
      '0:99999999999999999',
      '0:1.5',
      '0:1e3',
      '1e3:1',
      ' 0:1',
      '0:1\u0000',
      '0:1:2',
      ':1',
      '0:',
    ])
      expect(decodeCursor(raw(text)), text).toBeUndefined();
  });

  it('refuses anything but the canonical base64url spelling', () => {
    const good = encodeCursor(new Date(0), 12);
    expect(good).toBe('MDoxMg');
    expect(decodeCursor(good)).toBeDefined();
    expect(Buffer.from('MDoxMh', 'base64url').toString()).toBe('0:12');
    for (const bad of ['MDoxMh', `${good}==`, `${good}!`, 'MDox+g', 'MDox/g', '', 'x'.repeat(100)]) {
      expect(decodeCursor(bad), bad).toBeUndefined();
    }
  });
});
