import { decodeHTML } from 'entities';
import { scanTags } from '../util/tags.js';

// Elements whose content is not text a reader sees.
const HIDDEN = new Set(['script', 'style', 'noscript', 'template']);
// Elements that end a line, so words of adjacent paragraphs don't fuse.
const BLOCK = new Set([
  'p',
  'div',
  'br',
  'li',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'tr',
  'td',
  'th',
  'blockquote',
  'section',
  'article',
  'figcaption',
  'header',
  'footer',
  'aside',
  'nav',
  'ul',
  'ol',
  'table',
  'pre',
  'hr',
  'dt',
  'dd',
]);

// What scanTags skips between tags: comments (an unclosed one runs to the end, as in browsers), <!…> and <?…>.
const NOT_TEXT = /<!--[\s\S]*?(?:-->|$)|<[!?][^>]*(?:>|$)/g;
const textOf = (markup: string) => decodeHTML(markup.replace(NOT_TEXT, ''));

/**
 * The text of an HTML fragment, entities decoded, a line break at every block boundary, comments, script and style
 * content dropped. One linear tag scan and no tree, so it is safe on any input (deep nesting, megabytes of markup).
 */
export function htmlToText(html: string): string {
  if (!/[<&]/.test(html)) return html;
  let out = '';
  let at = 0;
  let hidden: string | undefined;
  scanTags(html, 'html', (tag) => {
    if (!hidden) out += textOf(html.slice(at, tag.start));
    at = tag.end;
    const name = tag.name.toLowerCase();
    if (hidden) {
      if (tag.close && name === hidden) hidden = undefined;
    } else if (!tag.close && HIDDEN.has(name)) {
      hidden = name;
    } else if (BLOCK.has(name)) {
      out += '\n';
    }
  });
  if (!hidden) out += textOf(html.slice(at));
  return out;
}

/** Decodes entities, drops tags and collapses whitespace: "Fish &amp; <b>chips</b>\n" → "Fish & chips". */
export function plainText(html: string | undefined): string {
  return html ? collapse(htmlToText(html)) : '';
}

export function collapse(text: string): string {
  return text.replace(/[\s\u00a0\u200b]+/g, ' ').trim();
}

/** Titles may arrive as escaped HTML: decode and flatten them. */
export function cleanTitle(title: string | undefined): string {
  return plainText(title);
}
