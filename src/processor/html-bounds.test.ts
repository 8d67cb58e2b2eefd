import { describe, expect, it } from 'vitest';
import { boundHtml, cutHtml, nestedDeeperThan, textOnlyHtml } from './html-bounds.js';
import { LIMITS } from './limits.js';

const nested = (depth: number, open = '<div>', close = '</div>') =>
  `${open.repeat(depth)}deep text${close.repeat(depth)}`;

describe('nestedDeeperThan', () => {
  it('measures real nesting', () => {
    expect(nestedDeeperThan(nested(128), 128)).toBe(false);
    expect(nestedDeeperThan(nested(129), 128)).toBe(true);
    expect(nestedDeeperThan(nested(40_000), 128)).toBe(true);
  });

  it('knows what parsers close on their own, so long ordinary pages stay flat', () => {
    const page = `${'<p>para<br>graph<img src=x>'.repeat(1000)}<ul>${'<li>item'.repeat(1000)}</ul><table>${'<tr><td>a<td>b'.repeat(1000)}</table>`;
    expect(nestedDeeperThan(page, 8)).toBe(false);
  });

  it('is not fooled by end tags that close nothing, or by markup inside comments and scripts', () => {
    // htmlparser2 keeps every <div> open here (the </span>s match nothing) and is quadratic on it.
    expect(nestedDeeperThan('<div></span>'.repeat(1000), 128)).toBe(true);
    expect(
      nestedDeeperThan(`<!-- ${'<div>'.repeat(500)} --><script>${'<div>'.repeat(500)}</script><p>x</p>`, 128),
    ).toBe(false);
  });
});

describe('boundHtml', () => {
  it('keeps ordinary HTML as it is', () => {
    expect(boundHtml('<p>Hello <b>there</b></p>')).toEqual({ html: '<p>Hello <b>there</b></p>' });
  });

  it('turns markup nested too deep into paragraphs of its text', () => {
    const bounded = boundHtml(`<p>Intro &amp; more</p>${nested(10_000)}<script>x()</script><p>Outro &lt;3</p>`);
    expect(bounded).toEqual({ html: '<p>Intro &amp; more</p><p>deep text</p><p>Outro &lt;3</p>', cut: 'html-depth' });
  });

  it('cuts oversized HTML before a tag, never inside one', () => {
    const big = `<p>${'word '.repeat(LIMITS.htmlChars / 4)}</p><p>tail</p>`;
    const bounded = boundHtml(big);
    expect(bounded.cut).toBe('html-size');
    expect(bounded.html.length).toBeLessThanOrEqual(LIMITS.htmlChars);
    expect(cutHtml('<p>aaaa</p><p>bbbb</p>', 14)).toBe('<p>aaaa</p>');
    expect(textOnlyHtml('<div>a<div>b</div></div>')).toBe('<p>a</p><p>b</p>');
  });
});
