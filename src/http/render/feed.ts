import { Feed } from 'feed';
import type { StoryView } from '../../storage/stories.js';
import { escapeHtml } from './html.js';

export type FeedFormat = 'rss' | 'atom' | 'json';

export const CONTENT_TYPES: Record<FeedFormat, string> = {
  rss: 'application/rss+xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
  json: 'application/feed+json; charset=utf-8',
};

export interface FeedMeta {
  /** "all" or a topic id. */
  id: string;
  title: string;
  description?: string;
  baseUrl: string;
  /** Self URL of this page, with its query. */
  selfUrls: Record<FeedFormat, string>;
  nextUrl?: Record<FeedFormat, string>;
}

/** The lead article's content followed by the other outlets that carried the story. */
export function entryContent(story: StoryView): string {
  const body = story.contentHtml ?? story.summaryHtml ?? '';
  const others = story.outlets.slice(1);
  if (others.length === 0) return body;
  const links = others.map((o) => (o.url ? `<a href="${escapeHtml(o.url)}">${escapeHtml(o.name)}</a>` : escapeHtml(o.name)));
  return `${body}<p>Also reported by ${links.join(', ')}.</p>`;
}

function summary(story: StoryView): string | undefined {
  const text = story.text.length > 300 ? `${story.text.slice(0, 297)}…` : story.text;
  return text || undefined;
}

const xmlEscape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** `feed` has no per-entry <source> nor next-page links: render a marker category and swap it afterwards. */
function sourceElement(format: 'rss' | 'atom', outlet: StoryView['outlets'][number]): string {
  if (format === 'rss') return `<source url="${xmlEscape(outlet.feedUrl)}">${xmlEscape(outlet.name)}</source>`;
  const link = outlet.siteUrl ?? outlet.feedUrl;
  return `<source><id>${xmlEscape(outlet.feedUrl)}</id><title type="text">${xmlEscape(outlet.name)}</title><link href="${xmlEscape(link)}"/></source>`;
}

/** `feed` derives the Atom enclosure type from the field it is given, so pass audio and video as such. */
function enclosureField(enclosure: StoryView['enclosures'][number] | undefined) {
  if (!enclosure) return {};
  const value = { url: enclosure.url, type: enclosure.type, length: enclosure.length };
  const major = enclosure.type?.split('/')[0];
  if (major === 'audio' || major === 'video' || major === 'image') return { [major]: value };
  return { enclosure: value };
}

function finishXml(format: 'rss' | 'atom', xml: string, marker: string, meta: FeedMeta, stories: StoryView[]): string {
  const pattern = format === 'rss'
    ? new RegExp(`<category>${marker}(\\d+)</category>`, 'g')
    : new RegExp(`<category label="${marker}(\\d+)"[^>]*/>`, 'g');
  // Entry titles are plain text (already decoded), not HTML.
  let out = format === 'atom' ? xml.replace(/<title type="html">/g, '<title type="text">') : xml;
  out = out.replace(pattern, (_, index: string) => {
    const outlet = stories[Number(index)]?.outlets[0];
    return outlet ? sourceElement(format, outlet) : '';
  });
  if (meta.nextUrl) {
    const next = format === 'rss'
      ? `<atom:link href="${xmlEscape(meta.nextUrl.rss)}" rel="next" type="application/rss+xml"/>`
      : `<link rel="next" href="${xmlEscape(meta.nextUrl.atom)}"/>`;
    out = format === 'rss' ? out.replace(/(<atom:link [^>]*rel="self"[^>]*\/>)/, `$1${next}`) : out.replace(/(<link rel="self"[^>]*\/>)/, `$1${next}`);
  }
  return out;
}

export function renderFeed(format: FeedFormat, meta: FeedMeta, stories: StoryView[]): string {
  // A per-render nonce keeps the marker from ever matching text that came from a feed.
  const marker = `tributary-source-${Math.random().toString(36).slice(2, 12)}-`;
  const updated = stories.reduce((max, s) => (s.updatedAt > max ? s.updatedAt : max), new Date(0));
  const feed = new Feed({
    id: `${meta.baseUrl}/feeds/${meta.id}`,
    title: meta.title,
    description: meta.description,
    link: meta.baseUrl,
    updated: stories.length > 0 ? updated : new Date(0),
    generator: 'Tributary',
    feedLinks: { rss: meta.selfUrls.rss, atom: meta.selfUrls.atom, json: meta.selfUrls.json },
    copyright: '',
  });
  for (const [index, story] of stories.entries()) {
    feed.addItem({
      id: story.uid,
      guid: story.uid,
      title: story.title,
      link: story.link ?? `${meta.baseUrl}/stories/${story.id}`,
      date: story.updatedAt,
      published: story.publishedAt,
      description: summary(story),
      content: entryContent(story),
      author: story.author ? [{ name: story.author }] : undefined,
      category: [...story.topics, ...story.categories].map((name) => ({ name, term: name }))
        .concat(format === 'json' ? [] : [{ name: `${marker}${index}`, term: `${marker}${index}` }]),
      ...enclosureField(story.enclosures[0]),
    });
  }
  if (format === 'rss') return finishXml('rss', feed.rss2(), marker, meta, stories);
  if (format === 'atom') return finishXml('atom', feed.atom1(), marker, meta, stories);
  return jsonFeed11(feed.json1(), meta, stories);
}

/** `feed` writes JSON Feed 1.0; lift it to 1.1 (authors arrays, next_url, the outlets as an extension). */
function jsonFeed11(json: string, meta: FeedMeta, stories: StoryView[]): string {
  const data = JSON.parse(json) as Record<string, unknown> & { items: Record<string, unknown>[] };
  data.version = 'https://jsonfeed.org/version/1.1';
  data.feed_url = meta.selfUrls.json;
  if (meta.nextUrl) data.next_url = meta.nextUrl.json;
  data.items.forEach((item, i) => {
    const story = stories[i]!;
    if (item.author) {
      item.authors = [item.author];
      delete item.author;
    }
    item._tributary = { outlets: story.outlets.map((o) => ({ id: o.sourceId, name: o.name, url: o.url, feed_url: o.feedUrl })) };
  });
  return JSON.stringify(data, null, 2);
}
