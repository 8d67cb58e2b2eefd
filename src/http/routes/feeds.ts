import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../worker/context.js';
import { queryStories, type StoryQuery } from '../../storage/stories.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import type { CachedFeed, FeedCache } from '../feed-cache.js';
import { CONTENT_TYPES, renderFeed, type FeedFormat } from '../render/feed.js';

const MAX_LIMIT = 200;

class BadRequest extends Error {}

function parseQuery(raw: Record<string, string | string[] | undefined>, defaultLimit: number): Omit<StoryQuery, 'topic'> {
  const one = (name: string) => {
    const value = raw[name];
    if (Array.isArray(value)) throw new BadRequest(`query parameter "${name}" given more than once`);
    return value === undefined || value === '' ? undefined : value;
  };
  const limitText = one('limit');
  const limit = limitText === undefined ? defaultLimit : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new BadRequest(`query parameter "limit" must be an integer from 1 to ${MAX_LIMIT}`);
  }
  const beforeText = one('before');
  const before = beforeText === undefined ? undefined : decodeCursor(beforeText);
  if (beforeText !== undefined && !before) throw new BadRequest('query parameter "before" is not a valid cursor');
  const q = one('q');
  if (q !== undefined && q.length > 500) throw new BadRequest('query parameter "q" is too long (500 characters at most)');
  return { limit, before, q, source: one('source'), tag: one('tag') };
}

function pageUrls(baseUrl: string, name: string, params: URLSearchParams): Record<FeedFormat, string> {
  const query = params.toString();
  const url = (format: FeedFormat) => `${baseUrl}/feeds/${name}.${format}${query ? `?${query}` : ''}`;
  return { rss: url('rss'), atom: url('atom'), json: url('json') };
}

/** Output depends on the config too (titles, base URL, topics): key cached bodies on it. */
const configKeys = new WeakMap<object, string>();
function configKey(config: AppContext['config']): string {
  let key = configKeys.get(config);
  if (!key) {
    key = createHash('sha1').update(JSON.stringify({ output: config.output, topics: config.topics })).digest('base64url');
    configKeys.set(config, key);
  }
  return key;
}

function notModified(request: FastifyRequest, etag: string, version: number): boolean {
  const ifNoneMatch = request.headers['if-none-match'];
  if (ifNoneMatch) return ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag || tag.trim() === '*');
  const ifModifiedSince = Date.parse(request.headers['if-modified-since'] ?? '');
  return Number.isFinite(ifModifiedSince) && Math.floor(version / 1000) * 1000 <= ifModifiedSince;
}

export function registerFeedRoutes(app: FastifyInstance, ctx: () => AppContext, cache: FeedCache): void {
  app.get<{ Params: { file: string } }>('/feeds/:file', async (request, reply) => {
    const { config, database } = ctx();
    const match = /^([a-z0-9-]+)\.(rss|atom|json)$/.exec(request.params.file);
    const topic = match && (match[1] === 'all' ? undefined : config.topics.find((t) => t.id === match[1]));
    if (!match || topic === null || (match[1] !== 'all' && !topic)) {
      return reply.code(404).type('text/plain; charset=utf-8').send(`No such feed: /feeds/${request.params.file}\n`);
    }
    const format = match[2] as FeedFormat;
    let query: Omit<StoryQuery, 'topic'>;
    try {
      query = parseQuery(request.query as Record<string, string>, config.output.limit);
    } catch (err) {
      if (err instanceof BadRequest) return reply.code(400).type('text/plain; charset=utf-8').send(`${err.message}\n`);
      throw err;
    }
    const key = `${configKey(config)} ${request.url}`;
    let entry: CachedFeed;
    try {
      const version = await cache.currentVersion();
      entry = cache.get(key, version) ?? cache.set(key, version, await render(), CONTENT_TYPES[format]);
    } catch (err) {
      // The database is unreachable: serve what was rendered before, or ask the reader to come back.
      const stale = cache.peek(key);
      if (!stale) {
        request.log.warn({ err: (err as Error).message }, 'feed unavailable: database unreachable');
        return reply.code(503).header('retry-after', '30').type('text/plain; charset=utf-8').send('Feed temporarily unavailable\n');
      }
      entry = stale;
    }
    reply.header('etag', entry.etag).header('last-modified', new Date(entry.version).toUTCString())
      .header('cache-control', 'public, max-age=60');
    if (notModified(request, entry.etag, entry.version)) return reply.code(304).send();
    return reply.type(entry.contentType).send(entry.body);

    async function render(): Promise<string> {
      const stories = await queryStories(database.db, { ...query, topic: topic?.id });
      const params = new URLSearchParams(request.query as Record<string, string>);
      const selfUrls = pageUrls(config.output.baseUrl, match![1]!, params);
      let nextUrl: Record<FeedFormat, string> | undefined;
      const last = stories.at(-1);
      if (last && stories.length === query.limit) {
        const next = new URLSearchParams(params);
        next.set('before', encodeCursor(last.publishedAt, last.id));
        nextUrl = pageUrls(config.output.baseUrl, match![1]!, next);
      }
      return renderFeed(format, {
        id: match![1]!,
        title: topic ? `${config.output.title}: ${topic.title ?? topic.id}` : config.output.title,
        description: topic?.description ?? config.output.description,
        baseUrl: config.output.baseUrl,
        selfUrls,
        nextUrl,
      }, stories);
    }
  });
}
