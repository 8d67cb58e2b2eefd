import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { databaseErrorMessage } from '../../db/errors.js';
import { isDatabaseUnavailable } from '../../db/unavailable.js';
import type { AppContext } from '../../worker/context.js';
import { Limiter } from '../../util/limiter.js';
import { baseUrlOf } from '../base-url.js';
import type { CachedFeed, FeedCache } from '../feed-cache.js';
import { canonicalParams, parseFeedQuery } from '../feed-query.js';
import { FEED_FILE, formatUrls, renderFeedTarget } from '../feed-render.js';
import type { FeedFormat } from '../render/document.js';
import { CONTENT_TYPES } from '../render/feed.js';
import { hubUrlFor, websubLinkHeader } from '../../websub/links.js';
import { sendTopFeed } from './top-feeds.js';

// Renders at once per server: each holds a page of stories and its body in memory, and they share the CPU anyway; more
// concurrent misses wait their turn instead of multiplying the process's peak memory.
const RENDERS_AT_ONCE = 2;

/** Output depends on the config too (titles, topics, limits): cached bodies are keyed on it. */
const configKeys = new WeakMap<object, string>();
export function configKey(config: AppContext['config']): string {
  let key = configKeys.get(config);
  if (!key) {
    key = createHash('sha1')
      .update(JSON.stringify({ output: config.output, topics: config.topics }))
      .digest('base64url');
    configKeys.set(config, key);
  }
  return key;
}

function notModified(request: FastifyRequest, etag: string, version: number): boolean {
  const ifNoneMatch = request.headers['if-none-match'];
  if (ifNoneMatch)
    return ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag || tag.trim() === '*');
  const ifModifiedSince = Date.parse(request.headers['if-modified-since'] ?? '');
  return Number.isFinite(ifModifiedSince) && Math.floor(version / 1000) * 1000 <= ifModifiedSince;
}

export const plain = (reply: FastifyReply, status: number, message: string) =>
  reply.code(status).type('text/plain; charset=utf-8').send(`${message}\n`);

/** What a feed route hands to the shared serving path: where its body lives in the cache and how to make it. */
export interface FeedRequest {
  /** Only what the output depends on: unknown parameters (cache busters) all share one entry. */
  key: string;
  format: FeedFormat;
  render: () => Promise<Buffer[]>;
  /** The version the body must match; the data version by default (one that also moves with time for top stories). */
  version?: (dataVersion: number) => number;
  /** The Link header (hub and self) when the feed is a WebSub topic. */
  link?: string;
}

export type SendFeed = (request: FastifyRequest, reply: FastifyReply, feed: FeedRequest) => Promise<unknown>;

/** Serves a feed from the render cache (rendering it at most once per version), with ETag, 304 and a stale fallback. */
function feedSender(cache: FeedCache, ctx: () => AppContext): SendFeed {
  const renders = new Limiter(RENDERS_AT_ONCE);
  return async (request, reply, { key, format, render, version, link }) => {
    let entry: CachedFeed;
    try {
      const data = await cache.currentVersion();
      entry = await cache.getOrRender(key, version ? version(data) : data, CONTENT_TYPES[format], () =>
        renders.run(render),
      );
    } catch (err) {
      if (!isDatabaseUnavailable(err)) throw err;
      // The database is unreachable: serve what was rendered before, or ask the reader to come back.
      const stale = cache.peek(key);
      if (!stale) {
        request.log.warn({ err: databaseErrorMessage(err) }, 'feed unavailable: database unreachable');
        return plain(reply.header('retry-after', '30'), 503, 'Feed temporarily unavailable');
      }
      entry = stale;
    }
    reply
      .header('etag', entry.etag)
      .header('last-modified', new Date(entry.version).toUTCString())
      .header('cache-control', 'public, max-age=60');
    const { output } = ctx().config;
    if (output.trustProxy && !output.baseUrl) reply.header('vary', 'X-Forwarded-Host, X-Forwarded-Proto');
    if (link) reply.header('link', link);
    if (notModified(request, entry.etag, entry.version)) return reply.code(304).send();
    // The cached buffers are shared by every request for this feed, never copied; a big body is streamed piece by piece.
    reply.type(entry.contentType).header('content-length', entry.length);
    return reply.send(entry.body.length === 1 ? entry.body[0] : Readable.from(entry.body, { objectMode: false }));
  };
}

export function registerFeedRoutes(app: FastifyInstance, ctx: () => AppContext, cache: FeedCache): void {
  const send = feedSender(cache, ctx);
  app.get<{ Params: { file: string } }>('/feeds/:file', async (request, reply) => {
    const { config, database } = ctx();
    const match = FEED_FILE.exec(request.params.file);
    const name = match?.[1];
    if (match && name === 'top') return sendTopFeed(request, reply, ctx(), send, undefined, match[2] as FeedFormat);
    const topic = name === 'all' ? undefined : config.topics.find((t) => t.id === name);
    if (!match || !name || (name !== 'all' && !topic))
      return plain(reply, 404, `No such feed: /feeds/${request.params.file}`);
    const format = match[2] as FeedFormat;
    const parsed = parseFeedQuery(request.query as Record<string, unknown>, config.output.limit);
    if (!parsed.ok) return plain(reply, 400, parsed.message);
    const query = parsed.query;
    const baseUrl = baseUrlOf(request, config.output);
    const params = canonicalParams(query, config.output.limit);
    // A page further back (before=…) never changes: it is no WebSub topic.
    const hub = query.before ? undefined : hubUrlFor(config.output, baseUrl);
    return send(request, reply, {
      key: `${configKey(config)} ${baseUrl} ${name}.${format}?${params}`,
      format,
      link: hub && websubLinkHeader(hub, formatUrls(baseUrl, name, params)[format]),
      render: () => renderFeedTarget(database.db, config, { name, format, query, params }, baseUrl),
    });
  });
  app.get<{ Params: { topic: string; file: string } }>('/feeds/:topic/:file', async (request, reply) => {
    const context = ctx();
    const match = FEED_FILE.exec(request.params.file);
    const topic = context.config.topics.find((t) => t.id === request.params.topic);
    if (!match || match[1] !== 'top' || !topic)
      return plain(reply, 404, `No such feed: /feeds/${request.params.topic}/${request.params.file}`);
    return sendTopFeed(request, reply, context, send, topic, match[2] as FeedFormat);
  });
}
