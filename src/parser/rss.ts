import { setImmediate as nextTurn } from 'node:timers/promises';
import Parser from 'rss-parser';
import type { Enclosure } from '../types/feed.js';
import { plainText } from '../processor/text.js';
import { keepNewestItems, splitItems } from './keep-newest.js';
import { NotAFeedError, type FeedFormat, type ParseOptions, type ParsedFeed, type ParsedItem } from './types.js';
import { xhtmlTitles } from './xhtml-titles.js';
import { formatPrefixes, repairRssRoot, stripPrefixes } from './xml-tree.js';
import { xmlShape } from './xml-shape.js';

type RawItem = Record<string, unknown>;
type RawFeed = Record<string, unknown> & { items: RawItem[] };

/** Elements nested deeper than this make the document refused before any tree is built. */
export const MAX_XML_DEPTH = 128;

// keepArray keeps an element's attributes (type="xhtml", mode="base64"); rss-parser's types allow it for items only,
// its code for the feed too.
const CUSTOM_FIELDS = {
  feed: [
    'ttl',
    'sy:updatePeriod',
    'sy:updateFrequency',
    'subtitle',
    ['title', 'titleRaw', { keepArray: true }],
  ] as unknown as string[],
  item: [
    'updated',
    'published',
    'dc:date',
    'id',
    'summary',
    'media:content',
    ['author', 'authorRaw'],
    ['title', 'titleRaw', { keepArray: true }],
    ['content', 'contentRaw', { keepArray: true }],
    ['summary', 'summaryRaw', { keepArray: true }],
  ],
};

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

const PERIOD_MINUTES: Record<string, number> = {
  hourly: 60,
  daily: 1440,
  weekly: 10080,
  monthly: 43200,
  yearly: 525600,
};

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
    list.push({
      url: enclosure.url,
      type: enclosure.type,
      length: Number.isFinite(length) && length > 0 ? length : undefined,
    });
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

function detectFormat(root: string | undefined): FeedFormat {
  const local = root?.slice(root.indexOf(':') + 1);
  if (local === 'feed') return 'atom';
  if (local === 'RDF') return 'rdf';
  return 'rss';
}

/** Atom 0.3 content may be base64 (`mode="base64"`); everything else is what rss-parser made of it. */
function atomContent(raw: unknown, parsed: unknown): string | undefined {
  const element = Array.isArray(raw) ? (raw[0] as { $?: Record<string, string>; _?: unknown } | undefined) : undefined;
  if (element?.$?.mode === 'base64' && typeof element._ === 'string') {
    return Buffer.from(element._.replace(/\s+/g, ''), 'base64').toString('utf8').trim() || undefined;
  }
  return text(parsed);
}

/**
 * One independent parse: a new rss-parser (and so a new xml2js/sax parser) for every document, since a shared one keeps
 * state between documents (a comment-only document after a good one never settled). xml2js parses synchronously, so
 * a promise still pending once this task's microtasks have run never will settle: that is reported, not awaited.
 */
function parseTree(xml: string, prefixes: ReadonlySet<string>): Promise<RawFeed> {
  const parser = new Parser<RawFeed, RawItem>({
    customFields: CUSTOM_FIELDS,
    xml2js: {
      validator: repairRssRoot,
      ...(prefixes.size > 0 ? { tagNameProcessors: [stripPrefixes(prefixes)] } : {}),
    },
  });
  return new Promise((resolve, reject) => {
    parser.parseString(xml).then(resolve, reject);
    setImmediate(() => reject(new Error('the XML parser did not finish (internal error)')));
  });
}

/**
 * Items parsed in one go. A 10 MiB document of 5,000 items held the event loop ~250 ms in one parse (in `serve`, every
 * request waited); 200 items take about 10 ms.
 */
export const ITEMS_PER_PART = 200;

/** The document's parts (see splitItems) parsed one after the other, a turn of the event loop between them. */
async function parseTreeInParts(parts: readonly string[], prefixes: ReadonlySet<string>): Promise<RawFeed> {
  const trees: RawFeed[] = [];
  for (const part of parts) {
    // A turn before each part, the first too: reading the document's shape and splitting it were a stretch of work.
    await nextTurn();
    trees.push(await parseTree(part, prefixes));
  }
  return { ...trees[0]!, items: trees.flatMap((tree) => tree.items ?? []) };
}

/** Only what the XML parser says about the document is a parse error; a bug in a library stays what it is. */
export function asParseError(err: unknown): unknown {
  if (!(err instanceof Error) || Object.getPrototypeOf(err) !== Error.prototype || /did not finish/.test(err.message))
    return err;
  const message = err.message === 'Unable to parse XML.' ? 'no root element' : err.message.split('\n')[0];
  return new NotAFeedError(`not a well-formed feed: ${message}`);
}

/** RSS 0.9x, 1.0 (RDF), 2.0 and Atom through rss-parser, keeping at most `maxItems` (the newest). */
export async function parseXmlFeed(input: string, options: ParseOptions): Promise<ParsedFeed> {
  let xml = input.replace(/^\s+/, '');
  const shape = xmlShape(xml);
  if (shape.depth > MAX_XML_DEPTH)
    throw new NotAFeedError(`not a well-formed feed: elements nested deeper than ${MAX_XML_DEPTH} levels`);
  let itemsInDocument: number | undefined;
  if (shape.items > options.maxItems) {
    const kept = keepNewestItems(xml, options.maxItems, shape.items);
    xml = kept.xml;
    if (kept.total > options.maxItems) itemsInDocument = kept.total;
  }
  let feed: RawFeed;
  try {
    const prefixes = formatPrefixes(xml, shape.root);
    const perPart = options.itemsPerPart ?? ITEMS_PER_PART;
    const parts = shape.items > perPart ? splitItems(xml, perPart, shape.items) : undefined;
    feed = parts ? await parseTreeInParts(parts, prefixes) : await parseTree(xml, prefixes);
  } catch (err) {
    throw asParseError(err);
  }
  const format = detectFormat(shape.root);
  const rawItems = feed.items ?? [];
  const bases = xmlBases(xml, format, rawItems.length);
  const xhtml =
    format === 'atom' && [feed, ...rawItems].some((i) => typeof text(i.title) !== 'string' && i.titleRaw)
      ? xhtmlTitles(xml)
      : undefined;
  const xhtmlTitle = (inner: string | undefined) => (inner === undefined ? undefined : plainText(inner) || undefined);
  const entryTitles = xhtml?.entries.length === rawItems.length ? xhtml.entries : [];
  const items: ParsedItem[] = rawItems.map((item, i) => ({
    guid: text(item.guid) ?? text(item.id),
    link: text(item.link),
    title: text(item.title) ?? xhtmlTitle(entryTitles[i]),
    author: text(item.creator) ?? text(item.authorRaw) ?? text(item.author),
    summary: atomContent(item.summaryRaw, item.summary) ?? (item['content:encoded'] ? text(item.content) : undefined),
    content:
      text(item['content:encoded']) ??
      atomContent(item.contentRaw, item.content) ??
      atomContent(item.summaryRaw, item.summary),
    published: text(item.pubDate) ?? text(item.published) ?? text(item['dc:date']) ?? text(item.isoDate),
    updated: text(item.updated),
    categories: categories(item),
    enclosures: enclosures(item),
    base: bases[i],
  }));
  return {
    format,
    title: text(feed.title) ?? xhtmlTitle(xhtml?.feed),
    link: text(feed.link),
    ttlMinutes: ttlMinutes(feed),
    items,
    ...(itemsInDocument !== undefined ? { itemsInDocument } : {}),
  };
}
