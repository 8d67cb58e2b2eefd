import type { Enclosure, ParsedFeed, ParsedItem } from '../types/feed.js';
import { storyTextOf } from './boilerplate.js';
import { countCuts, describeCuts, type CutKind, type Cuts } from './cuts.js';
import { effectiveDate, parseDate } from './dates.js';
import { contentHashOf, sha256 } from './hash.js';
import { cleanItem, cleanText, limitedText, limitedUrl } from './item-fields.js';
import { LIMITS } from './limits.js';
import { sanitizeWithTree } from './sanitize.js';
import { cleanTitle, collapse, plainText } from './text.js';
import { canonicalUrl, resolveUrl } from './url.js';
import { mapInSlices } from '../util/in-slices.js';

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

/** An article and what had to be cut from its item to fit the limits. */
export interface NormalizedItem {
  article: NormalizedArticle;
  cuts: CutKind[];
}

function categoriesOf(raw: string[], cuts: CutKind[]): string[] {
  const unique = [...new Set(raw.map((c) => collapse(c)).filter(Boolean))];
  const kept = unique.slice(0, LIMITS.categories).map((c) => limitedText(c, LIMITS.categoryChars));
  if (unique.length > LIMITS.categories || kept.some((c) => c.cut)) cuts.push('categories');
  return [...new Set(kept.map((c) => c.text))];
}

function enclosuresOf(raw: Enclosure[], base: string, cuts: CutKind[]): Enclosure[] {
  if (raw.length > LIMITS.enclosures) cuts.push('enclosures');
  return raw.slice(0, LIMITS.enclosures).flatMap((e) => {
    const url = limitedUrl(resolveUrl(e.url, base), cuts);
    if (!url) return [];
    const type = e.type ? limitedText(e.type, LIMITS.typeChars).text : undefined;
    return [{ ...e, url, ...(type !== undefined ? { type } : {}) }];
  });
}

/** Normalizes one item (see NormalizedArticle), counting what the limits cut. */
export function normalizeItemWithCuts(
  parsed: ParsedItem,
  feed: Pick<ParsedFeed, 'link'>,
  context: NormalizeContext,
): NormalizedItem {
  const item = cleanItem(parsed);
  const cuts: CutKind[] = [];
  const base = resolveUrl(item.base, context.feedUrl) ?? resolveUrl(feed.link, context.feedUrl) ?? context.feedUrl;
  const url = limitedUrl(resolveUrl(item.link, base), cuts) ?? null;
  const linkBase = url ?? base;
  const content = sanitizeWithTree(item.content, linkBase);
  const summarySource = item.summary && item.summary !== item.content ? item.summary : undefined;
  const summary = sanitizeWithTree(summarySource, linkBase);
  for (const html of [content, summary]) if (html.cut) cuts.push(html.cut);
  const text = storyTextOf(content.html ? content.tree : summary.tree);
  const title = limitedText(
    cleanTitle(item.title) || text.split(/(?<=[.!?])\s/)[0]?.slice(0, 140) || url || 'Untitled',
    LIMITS.titleChars,
  );
  if (title.cut) cuts.push('title');
  const author = limitedText(item.author ? collapse(plainText(item.author)) : '', LIMITS.authorChars);
  if (author.cut) cuts.push('author');
  const contentHash = contentHashOf(title.text, text);
  let guid = collapse(item.guid ?? '') || url || `sha256:${contentHash}`;
  if (guid.length > LIMITS.guidChars) {
    guid = `sha256:${sha256(guid)}`;
    cuts.push('guid');
  }
  const published = parseDate(item.published) ?? parseDate(item.updated);
  const updated = parseDate(item.updated);
  const article: Omit<NormalizedArticle, 'fingerprint'> = {
    guid,
    url,
    canonicalUrl: url ? (canonicalUrl(url) ?? null) : null,
    title: title.text,
    author: author.text || null,
    summaryHtml: summary.html || null,
    contentHtml: content.html || null,
    text,
    categories: categoriesOf(item.categories, cuts),
    enclosures: enclosuresOf(item.enclosures, linkBase, cuts),
    publishedAt: effectiveDate(published, context.now),
    updatedAt: updated && updated.getTime() <= context.now.getTime() ? updated : null,
    contentHash,
  };
  // publishedAt is excluded: for undated items it is "now" and would make every poll look like an edit.
  const { publishedAt: _ignored, ...stable } = article;
  return {
    article: {
      ...article,
      fingerprint: sha256(JSON.stringify({ ...stable, published: published?.toISOString() ?? null })),
    },
    cuts,
  };
}

export function normalizeItem(
  item: ParsedItem,
  feed: Pick<ParsedFeed, 'link'>,
  context: NormalizeContext,
): NormalizedArticle {
  return normalizeItemWithCuts(item, feed, context).article;
}

/** What a fetch yields besides its articles: the feed's own title and site, and what the limits cut. */
export interface NormalizedFeed {
  items: NormalizedArticle[];
  /** The feed's title as plain text, like item titles. */
  title: string | null;
  /** The feed's site link, only when it is http(s). */
  siteUrl: string | null;
  cuts: Cuts;
  /** For the operator: what this fetch left out, if anything (see describeCuts). */
  notice: string | null;
}

/** Normalizes a whole feed, keeping the first of several items that claim the same guid. */
export function normalizeParsedFeed(feed: ParsedFeed, context: NormalizeContext): NormalizedFeed {
  return collectFeed(
    feed,
    feed.items.map((item) => normalizeItemWithCuts(item, feed, context)),
    context,
  );
}

/** normalizeParsedFeed, giving the event loop a turn every few ms (see mapInSlices): for a worker that also serves. */
export async function normalizeParsedFeedInSlices(
  feed: ParsedFeed,
  context: NormalizeContext,
  signal?: AbortSignal,
): Promise<NormalizedFeed> {
  return collectFeed(
    feed,
    await mapInSlices(feed.items, (item) => normalizeItemWithCuts(item, feed, context), signal),
    context,
  );
}

/** The feed around its normalized items: first of each guid, what the limits cut, the feed's own title and site. */
function collectFeed(
  feed: ParsedFeed,
  normalized: readonly NormalizedItem[],
  context: NormalizeContext,
): NormalizedFeed {
  const byGuid = new Map<string, NormalizedArticle>();
  for (const { article } of normalized) if (!byGuid.has(article.guid)) byGuid.set(article.guid, article);
  const cuts = countCuts(normalized.map((n) => n.cuts));
  const title = limitedText(plainText(cleanText(feed.title)), LIMITS.titleChars);
  if (title.cut) cuts.title = (cuts.title ?? 0) + 1;
  const itemCount =
    feed.itemsInDocument !== undefined ? { kept: feed.items.length, total: feed.itemsInDocument } : undefined;
  return {
    items: [...byGuid.values()],
    title: title.text || null,
    siteUrl: limitedUrl(resolveUrl(cleanText(feed.link), context.feedUrl), []) ?? null,
    cuts,
    notice: describeCuts(cuts, itemCount) ?? null,
  };
}

/** Normalizes every item, keeping the first of several items that claim the same guid. */
export function normalizeFeed(feed: ParsedFeed, context: NormalizeContext): NormalizedArticle[] {
  return normalizeParsedFeed(feed, context).items;
}
