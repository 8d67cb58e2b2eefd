import type { FeedDocument, FeedEntry } from './document.js';

// JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/), typed; JSON.stringify does all the escaping.
interface JsonFeedAuthor {
  name: string;
}
interface JsonOutlet {
  id: string;
  name: string;
  url?: string;
  feed_url?: string;
}
interface JsonFeedAttachment {
  url: string;
  mime_type: string;
  size_in_bytes?: number;
}
interface JsonFeedItem {
  id: string;
  url?: string;
  title: string;
  summary?: string;
  content_html: string;
  date_published: string;
  date_modified: string;
  authors?: JsonFeedAuthor[];
  tags?: string[];
  attachments?: JsonFeedAttachment[];
  /**
   * Extension: every outlet that carried the story, the lead first; on top-stories feeds the outlets counted in the
   * window; the story's timeline (newest first) when it changed after the first report.
   */
  _tributary: {
    outlets: JsonOutlet[];
    coverage?: { count: number; outlets: JsonOutlet[] };
    timeline?: { at: string; kind: string; outlet: string; old_title?: string; new_title?: string; text: string }[];
  };
}
interface JsonFeed {
  version: 'https://jsonfeed.org/version/1.1';
  title: string;
  home_page_url: string;
  feed_url: string;
  next_url?: string;
  description?: string;
  hubs?: { type: 'WebSub'; url: string }[];
  items: JsonFeedItem[];
}

const outlet = (o: FeedEntry['outlets'][number]): JsonOutlet => ({
  id: o.id,
  name: o.name,
  url: o.url,
  feed_url: o.feedUrl,
});

function item(entry: FeedEntry): JsonFeedItem {
  return {
    id: entry.id,
    url: entry.link,
    title: entry.title,
    summary: entry.summary,
    content_html: entry.contentHtml,
    date_published: entry.published.toISOString(),
    date_modified: entry.updated.toISOString(),
    authors: entry.author ? [{ name: entry.author.name }] : undefined,
    tags: entry.categories.length > 0 ? entry.categories : undefined,
    attachments: entry.enclosure
      ? [{ url: entry.enclosure.url, mime_type: entry.enclosure.type, size_in_bytes: entry.enclosure.length }]
      : undefined,
    _tributary: {
      outlets: entry.outlets.map(outlet),
      coverage: entry.coverage && { count: entry.coverage.length, outlets: entry.coverage.map(outlet) },
      timeline:
        entry.timeline.length === 0
          ? undefined
          : entry.timeline.map((t) => ({
              at: t.at.toISOString(),
              kind: t.kind,
              outlet: t.outlet,
              old_title: t.oldTitle,
              new_title: t.newTitle,
              text: t.text,
            })),
    },
  };
}

/**
 * The same text as JSON.stringify(feed, null, 2), written an item at a time so a big feed never exists as one string.
 */
export function* writeJsonFeed(doc: FeedDocument): Generator<string> {
  const head: Omit<JsonFeed, 'items'> = {
    version: 'https://jsonfeed.org/version/1.1',
    title: doc.title,
    home_page_url: doc.homeUrl,
    feed_url: doc.self.json,
    next_url: doc.next?.json,
    description: doc.description,
    hubs: doc.hub ? [{ type: 'WebSub', url: doc.hub }] : undefined,
  };
  // "{\n  ...\n}" without its closing line, then the items array as the last member.
  yield `${JSON.stringify(head, null, 2).slice(0, -2)},\n  "items": [`;
  for (const [index, entry] of doc.entries.entries()) {
    // JSON.stringify never writes a raw line break inside a string: indenting by line is safe.
    yield `${index > 0 ? ',' : ''}\n    ${JSON.stringify(item(entry), null, 2).replace(/\n/g, '\n    ')}`;
  }
  yield doc.entries.length > 0 ? '\n  ]\n}\n' : ']\n}\n';
}
