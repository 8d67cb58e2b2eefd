import { describe, expect, it } from 'vitest';
import { FORBIDDEN, HOSTILE_HTML } from '../../test/fixtures/hostile.js';
import { sanitize } from './sanitize.js';

describe('sanitize', () => {
  it('removes every hostile construct', () => {
    const out = sanitize(HOSTILE_HTML, 'https://site.example/post/1');
    for (const pattern of FORBIDDEN) expect(out, `${pattern} survived`).not.toMatch(pattern);
  });

  it('keeps ordinary content, makes links absolute and closes unclosed tags', () => {
    const out = sanitize('<p>Hello <a href="/about">about</a> <img src="pic.jpg" alt="x"> <b>open', 'https://site.example/post/1');
    expect(out).toBe('<p>Hello <a href="https://site.example/about" rel="noopener noreferrer">about</a> <img alt="x" src="https://site.example/post/pic.jpg" /> <b>open</b></p>');
  });

  it('keeps mailto links and drops relative links with no base', () => {
    expect(sanitize('<a href="mailto:news@site.example">mail</a>')).toContain('href="mailto:news@site.example"');
    expect(sanitize('<a href="/relative">r</a>')).toBe('<a rel="noopener noreferrer">r</a>');
  });
});
