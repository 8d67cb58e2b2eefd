import type { Config } from '../config/schema.js';
import type { Db } from '../db/client.js';
import { queryStories } from '../storage/stories.js';
import { hubUrlFor } from '../websub/links.js';
import { encodeCursor } from './cursor.js';
import type { FeedQuery } from './feed-query.js';
import { buildFeedDocument, type FeedFormat, type FormatUrls } from './render/document.js';
import { renderFeed } from './render/feed.js';

/** The file part of a feed's path: `{all|topic}.{rss|atom|json}`. */
export const FEED_FILE = /^([a-z0-9-]+)\.(rss|atom|json)$/;

/** One output feed as a request names it: "all" or a topic id, a format, and its validated query. */
export interface FeedTarget {
  name: string;
  format: FeedFormat;
  query: FeedQuery;
  /** The query in canonical form (canonicalParams): what self and next links carry. */
  params: URLSearchParams;
}

export function formatUrls(baseUrl: string, name: string, params: URLSearchParams): FormatUrls {
  const query = params.toString();
  const url = (format: FeedFormat) => `${baseUrl}/feeds/${name}.${format}${query ? `?${query}` : ''}`;
  return { rss: url('rss'), atom: url('atom'), json: url('json') };
}

/** Renders a feed as its route serves it (and as WebSub delivers it), links under `baseUrl`. */
export async function renderFeedTarget(db: Db, config: Config, target: FeedTarget, baseUrl: string): Promise<Buffer[]> {
  const { name, format, query, params } = target;
  const topic = name === 'all' ? undefined : config.topics.find((t) => t.id === name);
  const stories = await queryStories(db, { ...query, topic: topic?.id });
  const last = stories.at(-1);
  let next: FormatUrls | undefined;
  if (last && stories.length === query.limit) {
    const nextParams = new URLSearchParams(params);
    nextParams.set('before', encodeCursor(last.publishedAt, last.id));
    next = formatUrls(baseUrl, name, nextParams);
  }
  const doc = buildFeedDocument(
    {
      name,
      title: topic ? `${config.output.title}: ${topic.title ?? topic.id}` : config.output.title,
      description: topic?.description ?? config.output.description,
      baseUrl,
      self: formatUrls(baseUrl, name, params),
      next,
      // A page further back (before=…) never changes: it is no WebSub topic.
      hub: query.before ? undefined : hubUrlFor(config.output, baseUrl),
    },
    stories,
  );
  return renderFeed(format, doc);
}
