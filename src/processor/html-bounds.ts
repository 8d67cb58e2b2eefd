import { escapeXml } from '../util/escape.js';
import { scanTags } from '../util/tags.js';
import { LIMITS } from './limits.js';
import { htmlToText } from './text.js';

const VOID = new Set([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'link',
  'meta',
  'param',
  'source',
  'track',
  'wbr',
  'keygen',
]);
// An element of these names closes an open one of the names listed, as HTML parsers do: <p>a<p>b is not nested.
const CLOSES: Record<string, readonly string[]> = {
  p: ['p'],
  li: ['li'],
  dt: ['dt', 'dd'],
  dd: ['dt', 'dd'],
  tr: ['tr', 'td', 'th'],
  td: ['td', 'th'],
  th: ['td', 'th'],
  option: ['option'],
  thead: ['tbody', 'tfoot'],
  tbody: ['thead', 'tbody', 'tfoot'],
  tfoot: ['thead', 'tbody'],
};

/**
 * Whether an HTML parser would nest elements of `html` deeper than `limit`, found with one linear tag scan and a stack
 * of at most `limit` names. It errs on the deep side: an end tag pops only up to its own start tag, and only the
 * commonest implied end tags are known. HTML parsers are superlinear on deep nesting (cheerio's parse5 took 13 s on
 * 40,000 nested divs; htmlparser2 is quadratic on unmatched end tags), so nothing deeper may reach one.
 */
export function nestedDeeperThan(html: string, limit: number): boolean {
  const open: string[] = [];
  let deeper = false;
  scanTags(html, 'html', (tag) => {
    const name = tag.name.toLowerCase();
    if (tag.close) {
      const at = open.lastIndexOf(name);
      if (at >= 0) open.length = at;
      return;
    }
    if (VOID.has(name)) return;
    while (CLOSES[name]?.includes(open.at(-1) ?? '')) open.pop();
    open.push(name);
    deeper = open.length > limit;
    return !deeper;
  });
  return deeper;
}

/** HTML too deep to parse, made into paragraphs of its text. */
export function textOnlyHtml(html: string): string {
  return htmlToText(html)
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => `<p>${escapeXml(line)}</p>`)
    .join('');
}

/** `html` cut to at most `max` characters, before the last tag that would be split when one is near. */
export function cutHtml(html: string, max: number): string {
  if (html.length <= max) return html;
  const lt = html.lastIndexOf('<', max);
  let end = lt > max - 1024 ? lt : max;
  if (/[\uD800-\uDBFF]/.test(html.charAt(end - 1))) end--;
  return html.slice(0, end);
}

export interface BoundedHtml {
  html: string;
  cut?: 'html-size' | 'html-depth';
}

/** Makes untrusted HTML safe to hand to a parser: at most LIMITS.htmlChars long and LIMITS.htmlDepth deep. */
export function boundHtml(html: string): BoundedHtml {
  const cut = html.length > LIMITS.htmlChars ? 'html-size' : undefined;
  const short = cutHtml(html, LIMITS.htmlChars);
  if (nestedDeeperThan(short, LIMITS.htmlDepth))
    return { html: cutHtml(textOnlyHtml(short), LIMITS.htmlChars), cut: 'html-depth' };
  return cut ? { html: short, cut } : { html: short };
}
