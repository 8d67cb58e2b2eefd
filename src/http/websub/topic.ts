import type { Config } from '../../config/schema.js';
import { FEED_FILE, formatUrls, type FeedTarget } from '../feed-render.js';
import { canonicalParams, parseFeedQuery } from '../feed-query.js';
import type { FeedFormat } from '../render/document.js';

export type TopicResult =
  | { ok: true; target: FeedTarget; /** The topic in the spelling the feed's self link uses. */ canonical: string }
  | { ok: false; message: string };

const MAX_TOPIC_LENGTH = 2000;

/**
 * The feed a WebSub topic URL names. Only Tributary's own feeds under `baseUrl` are topics: `/feeds/{all|topic}.{format}`
 * with the query parameters the route reads (a page cursor is not a topic: its content never changes).
 */
export function topicTarget(topic: string, baseUrl: string, config: Pick<Config, 'topics' | 'output'>): TopicResult {
  const refuse = (message: string): TopicResult => ({ ok: false, message: `hub.topic ${message}` });
  if (topic.length > MAX_TOPIC_LENGTH) return refuse(`is longer than ${MAX_TOPIC_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(topic);
  } catch {
    return refuse('is not a URL');
  }
  const prefix = new URL(`${baseUrl}/feeds/`);
  if (
    url.origin !== prefix.origin ||
    !url.pathname.startsWith(prefix.pathname) ||
    url.hash ||
    url.username ||
    url.password
  ) {
    return refuse(`is not a feed of this service (${prefix.href}…)`);
  }
  const match = FEED_FILE.exec(url.pathname.slice(prefix.pathname.length));
  const name = match?.[1];
  if (!match || !name || (name !== 'all' && !config.topics.some((t) => t.id === name)))
    return refuse('names no feed of this service');
  if (url.searchParams.has('before')) return refuse('is a page of a feed (before=…), not a feed');
  const raw: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(key);
    raw[key] = values.length === 1 ? values[0]! : values;
  }
  const parsed = parseFeedQuery(raw, config.output.limit);
  if (!parsed.ok) return refuse(`has a bad query: ${parsed.message}`);
  const format = match[2] as FeedFormat;
  const params = canonicalParams(parsed.query, config.output.limit);
  return {
    ok: true,
    target: { name, format, query: parsed.query, params },
    canonical: formatUrls(baseUrl, name, params)[format],
  };
}
