import type { FastifyReply, FastifyRequest } from 'fastify';
import type { TopicConfig } from '../../config/schema.js';
import { queryTopStories } from '../../storage/top-stories.js';
import type { AppContext } from '../../worker/context.js';
import { baseUrlOf } from '../base-url.js';
import { buildFeedDocument, type FeedFormat } from '../render/document.js';
import { renderFeed } from '../render/feed.js';
import { canonicalTopParams, formatWindow, parseTopQuery, type TopFeedQuery } from '../top-query.js';
import { formatUrls } from '../feed-render.js';
import { configKey, plain, type SendFeed } from './feeds.js';

// The window slides with the clock, not only with new data: a top feed is recounted at most once a minute.
const RECOUNT_MS = 60_000;

/** /feeds/top.{rss,atom,json} and /feeds/{topic}/top.{rss,atom,json}: stories ranked by outlets within a window. */
export async function sendTopFeed(
  request: FastifyRequest,
  reply: FastifyReply,
  ctx: AppContext,
  send: SendFeed,
  topic: TopicConfig | undefined,
  format: FeedFormat,
): Promise<unknown> {
  const { config, database } = ctx;
  const defaults: TopFeedQuery = {
    windowMs: config.output.top.window,
    minOutlets: config.output.top.minOutlets,
    limit: config.output.top.limit,
  };
  const parsed = parseTopQuery(request.query as Record<string, unknown>, defaults);
  if (!parsed.ok) return plain(reply, 400, parsed.message);
  const query = parsed.query;
  const name = topic ? `${topic.id}/top` : 'top';
  const baseUrl = baseUrlOf(request, config.output);
  const params = canonicalTopParams(query, defaults);
  // The minute the window ends at: renders in it count the same articles, so the cache may keep one until the next.
  // The data version is bumped to the current time at least, so max() moves with whichever changed last.
  const minute = Math.floor(Date.now() / RECOUNT_MS) * RECOUNT_MS;
  return send(request, reply, {
    key: `${configKey(config)} ${baseUrl} ${name}.${format}?${params}`,
    format,
    version: (data) => Math.max(data, minute),
    async render() {
      const { stories, coverage } = await queryTopStories(database.db, {
        ...query,
        topic: topic?.id,
        now: new Date(minute),
      });
      const window = formatWindow(query.windowMs);
      const doc = buildFeedDocument(
        {
          name,
          title: `${config.output.title}: ${topic ? `${topic.title ?? topic.id}, top stories` : 'Top stories'}`,
          description: `Stories carried by the most outlets in the last ${window} (at least ${query.minOutlets}), most covered first`,
          baseUrl,
          self: formatUrls(baseUrl, name, params),
        },
        stories,
        coverage,
      );
      return renderFeed(format, doc);
    },
  });
}
