import { loadPage } from '../parser/html-page.js';
import { collapse } from '../processor/text.js';

// Never the article body, whatever their text density.
const NOISE =
  'script, style, noscript, template, nav, header, footer, aside, form, iframe, button, [role="navigation"], [role="banner"], [role="complementary"], .share, .social, .related, .comments, #comments, .advert, .ad, .ads';

/**
 * The main content of an article page: the source's CSS selector when given, else the block with the most paragraph
 * text (a content-density heuristic: text in <p> children, penalized by link text). Returns inner HTML, unsanitized.
 */
export function extractMainContent(html: string, selector?: string): string | undefined {
  const $ = loadPage(html);
  if (selector) {
    const picked = $(selector).first();
    return picked.length > 0 ? (picked.html() ?? undefined) : undefined;
  }
  $(NOISE).remove();
  const article = $('article')
    .filter((_, el) => collapse($(el).text()).length > 200)
    .first();
  if (article.length > 0) return article.html() ?? undefined;

  let best: { html: string; score: number } | undefined;
  $('div, section, main, td').each((_, el) => {
    const node = $(el);
    const paragraphs = node.children('p');
    if (paragraphs.length < 2) return;
    const text = collapse(paragraphs.text()).length;
    const links = collapse(paragraphs.find('a').text()).length;
    const score = text - 2 * links;
    if (!best || score > best.score) best = { html: node.html() ?? '', score };
  });
  return best && best.score > 200 ? best.html : undefined;
}
