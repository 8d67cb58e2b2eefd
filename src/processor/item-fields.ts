import type { ParsedItem } from '../types/feed.js';
import type { CutKind } from './cuts.js';
import { stripForbidden, truncate } from './hygiene.js';
import { LIMITS, TEXT_INPUT_CHARS } from './limits.js';

/** A feed's string as normalization reads it: without the characters XML forbids, and no longer than any field needs. */
export function cleanText(text: string | undefined, max = TEXT_INPUT_CHARS): string | undefined {
  return text === undefined ? undefined : stripForbidden(text.length > max ? text.slice(0, max) : text);
}

/**
 * Every string of a parsed item cleaned (see cleanText); HTML fields may be longer (they are cut at a tag later),
 * up to twice the stored limit so that a cut is noticed.
 */
export function cleanItem(item: ParsedItem): ParsedItem {
  const html = (text: string | undefined) => cleanText(text, 2 * LIMITS.htmlChars);
  return {
    ...item,
    guid: cleanText(item.guid),
    link: cleanText(item.link),
    title: cleanText(item.title),
    author: cleanText(item.author),
    summary: html(item.summary),
    content: html(item.content),
    published: cleanText(item.published, 200),
    updated: cleanText(item.updated, 200),
    categories: item.categories.map((c) => cleanText(c)!),
    enclosures: item.enclosures.map((e) => ({ ...e, url: cleanText(e.url)!, type: cleanText(e.type) })),
    base: cleanText(item.base),
  };
}

/** Text cut to `max` characters, saying whether it was. */
export function limitedText(text: string, max: number): { text: string; cut: boolean } {
  return text.length > max ? { text: truncate(text, max), cut: true } : { text, cut: false };
}

/** A URL, or undefined (with a 'url' cut noted) when it is longer than any real link. */
export function limitedUrl(url: string | undefined, cuts: CutKind[]): string | undefined {
  if (url === undefined || url.length <= LIMITS.urlChars) return url;
  cuts.push('url');
  return undefined;
}
