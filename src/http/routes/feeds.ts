import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../worker/context.js';
import { queryStories, type StoryQuery } from '../../storage/stories.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
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

export function registerFeedRoutes(app: FastifyInstance, ctx: () => AppContext): void {
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
    const stories = await queryStories(database.db, { ...query, topic: topic?.id });
    const params = new URLSearchParams(request.query as Record<string, string>);
    const selfUrls = pageUrls(config.output.baseUrl, match[1]!, params);
    let nextUrl: Record<FeedFormat, string> | undefined;
    const last = stories.at(-1);
    if (last && stories.length === query.limit) {
      const next = new URLSearchParams(params);
      next.set('before', encodeCursor(last.publishedAt, last.id));
      nextUrl = pageUrls(config.output.baseUrl, match[1]!, next);
    }
    const body = renderFeed(format, {
      id: match[1]!,
      title: topic ? `${config.output.title}: ${topic.title ?? topic.id}` : config.output.title,
      description: topic?.description ?? config.output.description,
      baseUrl: config.output.baseUrl,
      selfUrls,
      nextUrl,
    }, stories);
    return reply.type(CONTENT_TYPES[format]).header('cache-control', 'public, max-age=60').send(body);
  });
}
