import { z } from 'zod';
import { parseDate } from '../processor/dates.js';
import { newestIndices } from './newest.js';
import { escapeXml } from '../util/escape.js';
import { NotAFeedError, type ParseOptions, type ParsedFeed, type ParsedItem } from './types.js';

const str = z.string().optional().catch(undefined);
const author = z.object({ name: str, url: str }).passthrough().optional().catch(undefined);

const jsonItem = z
  .object({
    id: z.union([z.string(), z.number()]).transform(String).optional().catch(undefined),
    url: str,
    external_url: str,
    title: str,
    content_html: str,
    content_text: str,
    summary: str,
    date_published: str,
    date_modified: str,
    author,
    authors: z.array(author).optional().catch(undefined),
    tags: z.array(z.string()).optional().catch(undefined),
    attachments: z
      .array(
        z
          .object({ url: z.string(), mime_type: str, size_in_bytes: z.number().optional().catch(undefined) })
          .passthrough(),
      )
      .optional()
      .catch(undefined),
  })
  .passthrough();

const jsonFeed = z
  .object({
    version: z.string().regex(/jsonfeed\.org\/version\/1|^1(\.\d+)?$/),
    title: str,
    home_page_url: str,
    feed_url: str,
    items: z.array(z.unknown()),
  })
  .passthrough();

const publishedTime = (raw: unknown) => {
  const item = raw as { date_published?: unknown; date_modified?: unknown } | null;
  const date = typeof item?.date_published === 'string' ? item.date_published : item?.date_modified;
  return typeof date === 'string' ? (parseDate(date.slice(0, 200))?.getTime() ?? NaN) : NaN;
};

/** JSON Feed 1.0 and 1.1, keeping the newest `maxItems`; a malformed item is skipped rather than failing the feed. */
export function parseJsonFeed(text: string, options: ParseOptions): ParsedFeed {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new NotAFeedError(`invalid JSON: ${(err as Error).message}`);
  }
  const feed = jsonFeed.safeParse(data);
  if (!feed.success) throw new NotAFeedError('JSON document is not a JSON Feed (no jsonfeed.org version or items)');
  const all = feed.data.items;
  const kept =
    all.length > options.maxItems ? newestIndices(all.map(publishedTime), options.maxItems).map((i) => all[i]) : all;
  const items: ParsedItem[] = [];
  for (const raw of kept) {
    const parsed = jsonItem.safeParse(raw);
    if (!parsed.success) continue;
    const item = parsed.data;
    const authors = item.authors ?? (item.author ? [item.author] : []);
    items.push({
      guid: item.id,
      link: item.url ?? item.external_url,
      title: item.title,
      author:
        authors
          .map((a) => a?.name)
          .filter(Boolean)
          .join(', ') || undefined,
      summary: item.summary,
      content: item.content_html ?? (item.content_text ? `<p>${escapeXml(item.content_text)}</p>` : undefined),
      published: item.date_published,
      updated: item.date_modified,
      categories: item.tags ?? [],
      enclosures: (item.attachments ?? []).map((a) => ({ url: a.url, type: a.mime_type, length: a.size_in_bytes })),
      base: feed.data.home_page_url,
    });
  }
  return {
    format: 'json',
    title: feed.data.title,
    link: feed.data.home_page_url,
    items,
    ...(kept.length < all.length ? { itemsInDocument: all.length } : {}),
  };
}
