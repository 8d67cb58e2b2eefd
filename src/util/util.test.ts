import { describe, expect, it } from 'vitest';
import { foldText } from './text.js';
import { shortTime } from './time.js';
import { httpUrlOf, isHttpUrl } from './url.js';

describe('foldText', () => {
  it('lower-cases and strips accents, keeping letters of other scripts', () => {
    expect(foldText('Défense ÇA Über')).toBe('defense ca uber');
    expect(foldText('Запуск перенесён')).toBe('запуск перенесен');
  });
});

describe('shortTime', () => {
  it('gives UTC to the minute, or the placeholder', () => {
    expect(shortTime(new Date('2026-12-01T12:34:56.789Z'))).toBe('2026-12-01 12:34');
    expect(shortTime(null)).toBe('-');
    expect(shortTime(undefined, '—')).toBe('—');
  });
});

describe('http(s) URLs', () => {
  it('accepts http and https only, absolute or resolved against a base', () => {
    expect(isHttpUrl(new URL('HTTPS://a.example/'))).toBe(true);
    for (const bad of ['javascript:alert(1)', 'ftp://a.example/', 'data:text/html,x', 'file:///etc/passwd'])
      expect(isHttpUrl(new URL(bad)), bad).toBe(false);
    expect(httpUrlOf('https://a.example/x')?.href).toBe('https://a.example/x');
    expect(httpUrlOf('/feed.xml', 'http://a.example/page')?.href).toBe('http://a.example/feed.xml');
    expect(httpUrlOf('/feed.xml')).toBeUndefined();
    expect(httpUrlOf('mailto:x@a.example')).toBeUndefined();
    expect(httpUrlOf('http://[bad')).toBeUndefined();
  });
});
