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

export function renderFeed(format: FeedFormat, meta: FeedMeta, stories: StoryView[]): string {
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
  for (const story of stories) {
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
      category: [...story.topics, ...story.categories].map((name) => ({ name, term: name })),
      enclosure: story.enclosures[0] ? { url: story.enclosures[0].url, type: story.enclosures[0].type, length: story.enclosures[0].length } : undefined,
    });
  }
  if (format === 'rss') return feed.rss2();
  if (format === 'atom') return feed.atom1();
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
    item._tributary = { outlets: story.outlets.map((o) => ({ id: o.sourceId, name: o.name, url: o.url })) };
  });
  return JSON.stringify(data, null, 2);
}
