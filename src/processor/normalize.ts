import type { Enclosure } from '../db/schema.js';
import type { ParsedFeed, ParsedItem } from '../parser/types.js';
import { effectiveDate, parseDate } from './dates.js';
import { contentHashOf, sha256 } from './hash.js';
import { sanitize } from './sanitize.js';
import { storyText } from './boilerplate.js';
import { cleanTitle, collapse, plainText } from './text.js';
import { canonicalUrl, resolveUrl } from './url.js';

/** An item ready to store: links absolute, HTML sanitized, dates real, keys computed. */
export interface NormalizedArticle {
  guid: string;
  url: string | null;
  canonicalUrl: string | null;
  title: string;
  author: string | null;
  summaryHtml: string | null;
  contentHtml: string | null;
  /** The story's own text (boilerplate removed), one paragraph per line: for matching, search and dedup. */
  text: string;
  categories: string[];
  enclosures: Enclosure[];
  publishedAt: Date;
  updatedAt: Date | null;
  /** Hash of the normalized title and text: equal for the same content under different URLs. */
  contentHash: string;
  /** Hash of everything stored: a change means the source edited the item. */
  fingerprint: string;
}

export interface NormalizeContext {
  /** Where the feed was fetched from, the last resort for resolving relative links. */
  feedUrl: string;
  now: Date;
}

export function normalizeItem(item: ParsedItem, feed: Pick<ParsedFeed, 'link'>, context: NormalizeContext): NormalizedArticle {
  const base = resolveUrl(item.base, context.feedUrl) ?? resolveUrl(feed.link, context.feedUrl) ?? context.feedUrl;
  const url = resolveUrl(item.link, base) ?? null;
  const linkBase = url ?? base;
  const contentHtml = sanitize(item.content, linkBase) || null;
  const summarySource = item.summary && item.summary !== item.content ? item.summary : undefined;
  const summaryHtml = sanitize(summarySource, linkBase) || null;
  const text = storyText(contentHtml ?? summaryHtml ?? '');
  const title = cleanTitle(item.title) || text.split(/(?<=[.!?])\s/)[0]?.slice(0, 140) || url || 'Untitled';
  const contentHash = contentHashOf(title, text);
  const guid = collapse(item.guid ?? '') || url || `sha256:${contentHash}`;
  const published = parseDate(item.published) ?? parseDate(item.updated);
  const updated = parseDate(item.updated);
  const article: Omit<NormalizedArticle, 'fingerprint'> = {
    guid,
    url,
    canonicalUrl: url ? (canonicalUrl(url) ?? null) : null,
    title,
    author: item.author ? collapse(plainText(item.author)) || null : null,
    summaryHtml,
    contentHtml,
    text,
    categories: [...new Set(item.categories.map((c) => collapse(c)).filter(Boolean))],
    enclosures: item.enclosures
      .map((e) => ({ ...e, url: resolveUrl(e.url, linkBase) }))
      .filter((e): e is Enclosure => Boolean(e.url)),
    publishedAt: effectiveDate(published, context.now),
    updatedAt: updated && updated.getTime() <= context.now.getTime() ? updated : null,
    contentHash,
  };
  // publishedAt is excluded: for undated items it is "now" and would make every poll look like an edit.
  const { publishedAt: _ignored, ...stable } = article;
  return { ...article, fingerprint: sha256(JSON.stringify({ ...stable, published: published?.toISOString() ?? null })) };
}

/** Normalizes every item, keeping the first of several items that claim the same guid. */
export function normalizeFeed(feed: ParsedFeed, context: NormalizeContext): NormalizedArticle[] {
  const byGuid = new Map<string, NormalizedArticle>();
  for (const item of feed.items) {
    const article = normalizeItem(item, feed, context);
    if (!byGuid.has(article.guid)) byGuid.set(article.guid, article);
  }
  return [...byGuid.values()];
}
