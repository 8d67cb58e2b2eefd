import { describe, expect, it } from 'vitest';
import { FORBIDDEN, HOSTILE_HTML, HOSTILE_SNIPPETS } from '../../test/fixtures/hostile.js';
import { LIMITS } from './limits.js';
import { sanitize, sanitizeWithTree } from './sanitize.js';

describe('sanitize', () => {
  it('removes every hostile construct', () => {
    for (const html of [HOSTILE_HTML, ...HOSTILE_SNIPPETS]) {
      const out = sanitize(html, 'https://site.example/post/1');
      for (const pattern of FORBIDDEN) expect(out, `${pattern} survived in ${html}`).not.toMatch(pattern);
    }
  });

  it('keeps ordinary content, makes links absolute and closes unclosed tags', () => {
    const out = sanitize(
      '<p>Hello <a href="/about">about</a> <img src="pic.jpg" alt="x"> <b>open',
      'https://site.example/post/1',
    );
    expect(out).toBe(
      '<p>Hello <a href="https://site.example/about" rel="noopener noreferrer">about</a> <img alt="x" src="https://site.example/post/pic.jpg" /> <b>open</b></p>',
    );
  });

  it('keeps mailto links and drops relative links with no base', () => {
    expect(sanitize('<a href="mailto:news@site.example">mail</a>')).toContain('href="mailto:news@site.example"');
    expect(sanitize('<a href="/relative">r</a>')).toBe('<a rel="noopener noreferrer">r</a>');
  });

  it('lets no URL attribute through unless it is http(s): poster, srcset and cite too, made absolute', () => {
    const out = sanitize(
      `<video src="/v.mp4" poster="javascript:alert(1)"></video><video src="v.mp4" poster="data:image/png;base64,AAAA"></video>
      <video poster="/still.jpg"></video><picture><source srcset="javascript:alert(2) 1x, /a.webp 2x, data:image/webp;base64,AA 3x" type="image/webp"></picture>
      <blockquote cite="javascript:alert(3)">q</blockquote><q cite="/source">s</q><a href="mailto:x@site.example">m</a><img src="mailto:x@site.example">`,
      'https://site.example/post/',
    );
    expect(out).not.toMatch(/javascript:|data:|mailto:x@site.example"\s*\/>/);
    expect(out).toContain('poster="https://site.example/still.jpg"');
    expect(out).toContain('srcset="https://site.example/a.webp 2x"');
    expect(out).toContain('<q cite="https://site.example/source">');
    expect(out).toContain('<blockquote>q</blockquote>');
    expect(out).toContain('href="mailto:x@site.example"');
    expect(out).not.toContain('<img');
  });

  it('turns 40,000 nested divs into text, and cuts what is too long, saying so', () => {
    const deep = sanitizeWithTree(`<p>Lead</p>${'<div>'.repeat(40_000)}inner${'</div>'.repeat(40_000)}`);
    expect(deep.cut).toBe('html-depth');
    expect(deep.html).toBe('<p>Lead</p><p>inner</p>');
    const long = sanitizeWithTree(
      `<p>${'<a href="x">a</a> '.repeat(LIMITS.htmlChars / 10)}</p>`,
      `https://site.example/${'d/'.repeat(100)}`,
    );
    expect(long.cut).toBe('html-size');
    expect(long.html.length).toBeLessThanOrEqual(LIMITS.htmlChars);
    expect(/<\/a>\s*<\/p>$/.test(long.html), 'ends with closed tags').toBe(true);
  });
});
