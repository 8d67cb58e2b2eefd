import { resolveUrl } from '../../processor/url.js';
import { truncate } from '../../processor/hygiene.js';
import type { StoryView } from '../../storage/stories.js';
import { escapeXml } from '../../util/escape.js';
import { mediaType } from './mime.js';
import { parsePerson, type Person } from './person.js';

export type FeedFormat = 'rss' | 'atom' | 'json';

/** A URL per output format (self links, next page). */
export type FormatUrls = Record<FeedFormat, string>;

export interface Enclosure {
  url: string;
  /** The source's media type when well-formed, otherwise the generic application/octet-stream (never guessed). */
  type: string;
  length?: number;
}

export interface EntryOutlet {
  id: string;
  name: string;
  /** The outlet's article. */
  url?: string;
  feedUrl?: string;
  siteUrl?: string;
}

/** One story, every field ready for any format: text is plain text, HTML is sanitized, URLs are absolute http(s). */
export interface FeedEntry {
  id: string;
  title: string;
  link?: string;
  published: Date;
  updated: Date;
  author?: Person;
  /** Plain text, never HTML. */
  summary?: string;
  /** Sanitized HTML. */
  contentHtml: string;
  categories: string[];
  enclosure?: Enclosure;
  /** Every outlet that carried the story, the lead first. */
  outlets: EntryOutlet[];
}

export interface FeedDocument {
  /** Permanent feed id (an IRI). */
  id: string;
  title: string;
  description?: string;
  /** The status page: the feed's web page. */
  homeUrl: string;
  updated: Date;
  self: FormatUrls;
  next?: FormatUrls;
  /** The WebSub hub the feed advertises (rel="hub"). */
  hub?: string;
  entries: FeedEntry[];
}

export interface FeedMeta {
  /** "all" or a topic id. */
  name: string;
  title: string;
  description?: string;
  /** Where readers reach the service, without a trailing slash. */
  baseUrl: string;
  self: FormatUrls;
  next?: FormatUrls;
  hub?: string;
}

const SUMMARY_LENGTH = 300;
// Dates every format can write: RFC 3339 / xsd:dateTime need a four-digit year.
const MIN_TIME = Date.UTC(1, 0, 1);
const MAX_TIME = Date.UTC(9999, 11, 31, 23, 59, 59);

const webUrl = (value: string | null | undefined) => resolveUrl(value ?? undefined);

function writableDate(date: Date): Date {
  const time = date.getTime();
  if (Number.isNaN(time)) return new Date(0);
  return new Date(Math.min(MAX_TIME, Math.max(MIN_TIME, time)));
}

/** The first ~300 characters of the story's text, cut at a word where one is near. */
const summaryOf = (text: string): string | undefined => truncate(text, SUMMARY_LENGTH) || undefined;

function enclosureOf(enclosures: StoryView['enclosures']): Enclosure | undefined {
  for (const enclosure of enclosures) {
    const url = webUrl(enclosure.url);
    if (!url) continue;
    const length = Number.isSafeInteger(enclosure.length) && enclosure.length! >= 0 ? enclosure.length : undefined;
    return { url, type: mediaType(enclosure.type) ?? 'application/octet-stream', length };
  }
  return undefined;
}

/** The lead article's content followed by the other outlets that carried the story. */
function contentOf(story: StoryView, outlets: EntryOutlet[]): string {
  const body = story.contentHtml ?? story.summaryHtml ?? '';
  const others = outlets.slice(1);
  if (others.length === 0) return body;
  const links = others.map((o) => (o.url ? `<a href="${escapeXml(o.url)}">${escapeXml(o.name)}</a>` : escapeXml(o.name)));
  return `${body}<p>Also reported by ${links.join(', ')}.</p>`;
}

function entryOf(story: StoryView): FeedEntry {
  const outlets = story.outlets.map((o): EntryOutlet => ({
    id: o.sourceId, name: o.name, url: webUrl(o.url), feedUrl: webUrl(o.feedUrl), siteUrl: webUrl(o.siteUrl),
  }));
  const categories = [...new Set([...story.topics, ...story.categories].map((c) => c.trim()).filter(Boolean))];
  return {
    id: story.uid,
    title: story.title,
    link: webUrl(story.link),
    published: writableDate(story.publishedAt),
    updated: writableDate(story.updatedAt),
    author: parsePerson(story.author),
    summary: summaryOf(story.text),
    contentHtml: contentOf(story, outlets),
    categories,
    enclosure: enclosureOf(story.enclosures),
    outlets,
  };
}

/** The one model every format is written from, built once per request. */
export function buildFeedDocument(meta: FeedMeta, stories: readonly StoryView[]): FeedDocument {
  const entries = stories.map(entryOf);
  const updated = entries.reduce((max, e) => (e.updated > max ? e.updated : max), new Date(0));
  return {
    id: `${meta.baseUrl}/feeds/${meta.name}`,
    title: meta.title,
    description: meta.description || undefined,
    homeUrl: `${meta.baseUrl}/`,
    updated,
    self: meta.self,
    next: meta.next,
    hub: meta.hub,
    entries,
  };
}
