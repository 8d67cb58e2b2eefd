import { collapse } from './text.js';

/** The elements and text of sanitized HTML, as sanitize-html writes them out. */
export interface HtmlElement {
  name: string;
  children: HtmlNode[];
}
export type HtmlNode = HtmlElement | string;

const unescape = (text: string) => text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/**
 * Rebuilds the tree of sanitize-html's output from its hooks while it sanitizes, so that reading the text needs no
 * second parse. htmlparser2 (under sanitize-html) reports every start tag with a matching end, implied ones included:
 * `start` for each of them, `written` right after for those sanitize-html writes out (its '*' transform runs for every
 * tag outside script/style-like content), `end` for each end, `text` for each piece of text it writes (HTML-escaped).
 */
export class TreeBuilder {
  readonly root: HtmlElement = { name: '', children: [] };
  private readonly started: (HtmlElement | undefined)[] = [];
  private readonly parents: HtmlElement[] = [this.root];

  start = (): void => {
    this.started.push(undefined);
  };

  written = (name: string): void => {
    const element: HtmlElement = { name, children: [] };
    this.parents.at(-1)!.children.push(element);
    this.parents.push(element);
    this.started[this.started.length - 1] = element;
  };

  end = (): void => {
    if (this.started.pop()) this.parents.pop();
  };

  text = (escaped: string): string => {
    this.parents.at(-1)!.children.push(unescape(escaped));
    return escaped;
  };
}

const textOf = (node: HtmlNode): string => (typeof node === 'string' ? node : node.children.map(textOf).join(''));

/** Text of every link inside `node` (nested links count twice, as cheerio's `find('a').text()` counted them). */
const linkTextOf = (node: HtmlNode): string =>
  typeof node === 'string'
    ? ''
    : node.children
        .map((child) => (typeof child !== 'string' && child.name === 'a' ? textOf(child) : '') + linkTextOf(child))
        .join('');

/** Share of a list's items that are nothing but a link: near 1 for a block of cross-promoted headlines. */
function linkOnlyShare(list: HtmlElement): number {
  const items = list.children.filter((c): c is HtmlElement => typeof c !== 'string' && c.name === 'li');
  if (items.length < 2) return 0;
  const linkOnly = items.filter((li) => {
    const text = collapse(textOf(li));
    return text.length > 0 && collapse(linkTextOf(li)).length >= text.length * 0.8;
  });
  return linkOnly.length / items.length;
}

const LINE_BREAKING = new Set([
  'p',
  'div',
  'li',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'blockquote',
  'section',
  'aside',
  'footer',
  'figcaption',
  'td',
  'span',
  'br',
]);

/**
 * The text of a sanitized tree with a line break around every block (and span), lists that are mostly bare links
 * (cross-promoted headlines) left out: the raw material of a story's text.
 */
export function linesOf(node: HtmlNode, out: string[] = []): string[] {
  if (typeof node === 'string') {
    out.push(node);
    return out;
  }
  if ((node.name === 'ul' || node.name === 'ol') && linkOnlyShare(node) >= 0.8) return out;
  const breaks = LINE_BREAKING.has(node.name);
  if (breaks) out.push('\n');
  for (const child of node.children) linesOf(child, out);
  if (breaks) out.push('\n');
  return out;
}
