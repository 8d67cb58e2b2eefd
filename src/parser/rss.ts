import Parser from 'rss-parser';
import type { Enclosure } from '../db/schema.js';
import { NotAFeedError, type FeedFormat, type ParsedFeed, type ParsedItem } from './types.js';

type RawItem = Record<string, unknown>;
type RawFeed = Record<string, unknown> & { items: RawItem[] };

const parser = new Parser<RawFeed, RawItem>({
  customFields: {
    feed: ['ttl', 'sy:updatePeriod', 'sy:updateFrequency', 'subtitle'],
    item: ['updated', 'published', 'dc:date', 'id', 'summary', 'media:content', ['author', 'authorRaw']],
  },
});

const text = (value: unknown): string | undefined => {
  if (typeof value === 'string') return value.trim() || undefined;
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return text(value[0]);
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const attrs = obj.$ as Record<string, unknown> | undefined;
    return text(obj._ ?? obj.name ?? obj['#'] ?? attrs?.term);
  }
  return undefined;
};

const PERIOD_MINUTES: Record<string, number> = { hourly: 60, daily: 1440, weekly: 10080, monthly: 43200, yearly: 525600 };

function ttlMinutes(feed: RawFeed): number | undefined {
  const ttl = Number(text(feed.ttl));
  if (Number.isFinite(ttl) && ttl > 0) return ttl;
  const period = PERIOD_MINUTES[text(feed['sy:updatePeriod'])?.toLowerCase() ?? ''];
  if (!period) return undefined;
  const frequency = Number(text(feed['sy:updateFrequency']) ?? 1);
  return period / (Number.isFinite(frequency) && frequency > 0 ? frequency : 1);
}

function enclosures(item: RawItem): Enclosure[] {
  const list: Enclosure[] = [];
  const enclosure = item.enclosure as { url?: string; type?: string; length?: string } | undefined;
  if (enclosure?.url) {
    const length = Number(enclosure.length);
    list.push({ url: enclosure.url, type: enclosure.type, length: Number.isFinite(length) && length > 0 ? length : undefined });
  }
  return list;
}

function categories(item: RawItem): string[] {
  const raw = item.categories;
  if (!Array.isArray(raw)) return [];
  return raw.map(text).filter((c): c is string => Boolean(c));
}

const attribute = (tag: string, name: string) => new RegExp(`\\s${name}\\s*=\\s*["']([^"']*)["']`).exec(tag)?.[1];

/**
 * xml:base in effect for each item (rss-parser drops it): the feed's, refined by the item element's own. Read from the
 * opening tags in document order; if their count does not match the items (a tag inside CDATA), only the feed's is used.
 */
function xmlBases(xml: string, format: FeedFormat, count: number): (string | undefined)[] {
  const root = /<(feed|rss|rdf:RDF)\b[^>]*>/.exec(xml)?.[0];
  const feedBase = root ? attribute(root, 'xml:base') : undefined;
  const tags = xml.match(format === 'atom' ? /<entry\b[^>]*>/g : /<item\b[^>]*>/g) ?? [];
  const own = tags.length === count ? tags.map((tag) => attribute(tag, 'xml:base')) : [];
  return Array.from({ length: count }, (_, i) => {
    const base = own[i];
    if (!base) return feedBase;
    try {
      return new URL(base, feedBase).href;
    } catch {
      return feedBase ?? base;
    }
  });
}

function detectFormat(xml: string): FeedFormat {
  const head = xml.slice(0, 4096);
  if (/<feed[\s>]/.test(head)) return 'atom';
  if (/<rdf:RDF[\s>]/i.test(head)) return 'rdf';
  return 'rss';
}

/** RSS 0.9x, 1.0 (RDF), 2.0 and Atom through rss-parser. */
export async function parseXmlFeed(xml: string): Promise<ParsedFeed> {
  let feed: RawFeed;
  try {
    // rss-parser tells RSS 2.0 from 0.9x by the version attribute; some feeds (e.g. UOL) omit it.
    const source = xml.replace(/^\s+/, '').replace(/<rss(?=[\s>])(?![^>]*\bversion\s*=)/, '<rss version="2.0"');
    feed = await parser.parseString(source);
  } catch (err) {
    throw new NotAFeedError(`not a well-formed feed: ${(err as Error).message.split('\n')[0]}`);
  }
  const format = detectFormat(xml);
  const bases = xmlBases(xml, format, (feed.items ?? []).length);
  const items: ParsedItem[] = (feed.items ?? []).map((item, i) => ({
    guid: text(item.guid) ?? text(item.id),
    link: text(item.link),
    title: text(item.title),
    author: text(item.creator) ?? text(item.authorRaw) ?? text(item.author),
    summary: text(item.summary) ?? (item['content:encoded'] ? text(item.content) : undefined),
    content: text(item['content:encoded']) ?? text(item.content) ?? text(item.summary),
    published: text(item.pubDate) ?? text(item.published) ?? text(item['dc:date']) ?? text(item.isoDate),
    updated: text(item.updated),
    categories: categories(item),
    enclosures: enclosures(item),
    base: bases[i],
  }));
  return { format, title: text(feed.title), link: text(feed.link), ttlMinutes: ttlMinutes(feed), items };
}
