import { describe, expect, it } from 'vitest';
import { PageTooDeepError } from '../parser/html-page.js';
import { extractMainContent } from './extract.js';

const paragraphs = (n: number) =>
  Array.from(
    { length: n },
    (_, i) => `<p>Paragraph ${i} of the report, long enough to count as story text for the density heuristic.</p>`,
  ).join('');

describe('extractMainContent', () => {
  it('finds the article body by its selector, or by paragraph density', () => {
    const page = `<html><body><nav><p>Home</p><p>News</p></nav><div class="story">${paragraphs(5)}</div><footer><p>(c)</p></footer></body></html>`;
    expect(extractMainContent(page, 'div.story')).toContain('Paragraph 4');
    expect(extractMainContent(page)).toBe(paragraphs(5));
  });

  it('refuses a page nested too deep instead of parsing it for minutes', () => {
    const page = `<html><body>${'<div>'.repeat(1_000_000)}${paragraphs(3)}</body></html>`;
    expect(() => extractMainContent(page)).toThrow(PageTooDeepError);
  });
});
