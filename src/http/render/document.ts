import { resolveUrl } from '../../processor/url.js';
import { truncate } from '../../processor/hygiene.js';
import type { StoryView } from '../../storage/stories.js';
import type { StoryEvent } from '../../storage/timeline.js';
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
  /** Top-stories feeds: the outlets that carried the story within the window, as counted for the ranking. */
  coverage?: EntryOutlet[];
  /** What happened since the first report, newest first, ending with the first report; empty when nothing did. */
  timeline: TimelineItem[];
}

export interface TimelineItem {
  at: Date;
  kind: 'first' | StoryEvent['kind'];
  outlet: string;
  oldTitle?: string;
  newTitle?: string;
  /** The line as plain text, e.g. "Headline changed by A: “old” → “new”". */
  text: string;
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

const outletLink = (o: EntryOutlet) =>
  o.url ? `<a href="${escapeXml(o.url)}">${escapeXml(o.name)}</a>` : escapeXml(o.name);
const coverageText = (coverage: readonly EntryOutlet[]) =>
  `Reported by ${coverage.length} outlet${coverage.length === 1 ? '' : 's'}: ${coverage.map((o) => o.name).join(', ')}.`;
const shortTime = (date: Date) => `${date.toISOString().replace('T', ' ').slice(0, 16)} UTC`;

/** The story's history as lines, newest first: its events, then the first report by the lead outlet. */
function timelineOf(story: StoryView, lead: EntryOutlet | undefined): TimelineItem[] {
  if (story.timeline.length === 0) return [];
  const items = story.timeline.map((event): TimelineItem =>
    event.kind === 'title'
      ? {
          at: writableDate(event.at),
          kind: 'title',
          outlet: event.sourceName,
          oldTitle: event.oldTitle ?? '',
          newTitle: event.newTitle ?? '',
          text: `Headline changed by ${event.sourceName}: “${event.oldTitle ?? ''}” → “${event.newTitle ?? ''}”`,
        }
      : {
          at: writableDate(event.at),
          kind: 'outlet',
          outlet: event.sourceName,
          text: `Also reported by ${event.sourceName}`,
        },
  );
  const first = lead?.name ?? 'the first outlet';
  const earlier =
    story.earlierEvents > 0
      ? [`${story.earlierEvents} earlier change${story.earlierEvents === 1 ? '' : 's'} not shown`]
      : [];
  return [
    ...items,
    {
      at: writableDate(story.publishedAt),
      kind: 'first',
      outlet: first,
      text: [...earlier, `First reported by ${first}`].join('; '),
    },
  ];
}

/**
 * The lead article's content framed by what Tributary knows of the story: on top feeds, the outlets counted first; then
 * the other outlets that carried it; then its timeline when it has one.
 */
function contentOf(
  story: StoryView,
  outlets: EntryOutlet[],
  coverage: EntryOutlet[] | undefined,
  timeline: TimelineItem[],
): string {
  const parts: string[] = [];
  if (coverage) {
    parts.push(
      `<p>Reported by ${coverage.length} outlet${coverage.length === 1 ? '' : 's'}: ${coverage.map(outletLink).join(', ')}.</p>`,
    );
  }
  parts.push(story.contentHtml ?? story.summaryHtml ?? '');
  const others = outlets.slice(1);
  if (others.length > 0 && !coverage) parts.push(`<p>Also reported by ${others.map(outletLink).join(', ')}.</p>`);
  if (timeline.length > 0) {
    const lines = timeline.map(
      (t) => `<li><time datetime="${t.at.toISOString()}">${shortTime(t.at)}</time> ${escapeXml(t.text)}</li>`,
    );
    parts.push(`<p>Timeline (newest first):</p><ul>${lines.join('')}</ul>`);
  }
  return parts.join('');
}

function entryOf(story: StoryView, coverageIds?: readonly string[]): FeedEntry {
  const outlets = story.outlets.map((o): EntryOutlet => ({
    id: o.sourceId,
    name: o.name,
    url: webUrl(o.url),
    feedUrl: webUrl(o.feedUrl),
    siteUrl: webUrl(o.siteUrl),
  }));
  const coverage = coverageIds && outlets.filter((o) => coverageIds.includes(o.id));
  const timeline = timelineOf(story, outlets[0]);
  const categories = [...new Set([...story.topics, ...story.categories].map((c) => c.trim()).filter(Boolean))];
  const summary = summaryOf(story.text);
  return {
    id: story.uid,
    title: story.title,
    link: webUrl(story.link),
    published: writableDate(story.publishedAt),
    updated: writableDate(story.updatedAt),
    author: parsePerson(story.author),
    summary: coverage ? [coverageText(coverage), summary].filter(Boolean).join(' ') : summary,
    contentHtml: contentOf(story, outlets, coverage, timeline),
    categories,
    enclosure: enclosureOf(story.enclosures),
    outlets,
    coverage,
    timeline,
  };
}

/**
 * The one model every format is written from, built once per request. `coverage` (top-stories feeds) gives, per story
 * id, the outlets counted for its rank.
 */
export function buildFeedDocument(
  meta: FeedMeta,
  stories: readonly StoryView[],
  coverage?: ReadonlyMap<number, readonly string[]>,
): FeedDocument {
  const entries = stories.map((story) => entryOf(story, coverage?.get(story.id) ?? (coverage ? [] : undefined)));
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
