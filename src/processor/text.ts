import * as cheerio from 'cheerio';

/** Decodes entities, drops tags and collapses whitespace: "Fish &amp; <b>chips</b>\n" → "Fish & chips". */
export function plainText(html: string | undefined): string {
  if (!html) return '';
  if (!/[<&]/.test(html)) return collapse(html);
  const $ = cheerio.load(`<body>${html}</body>`, null, false);
  $('script, style, noscript, template').remove();
  // Block elements end a line, so words from adjacent paragraphs don't fuse.
  $('p, div, br, li, h1, h2, h3, h4, h5, h6, tr, blockquote, section, article, figcaption').after('\n');
  return collapse($.root().text());
}

export function collapse(text: string): string {
  return text.replace(/[\s\u00a0\u200b]+/g, ' ').trim();
}

/** Titles may arrive as escaped HTML: decode and flatten them. */
export function cleanTitle(title: string | undefined): string {
  return plainText(title);
}
