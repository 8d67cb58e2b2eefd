import { z } from 'zod';
import { decodeCursor, encodeCursor, type Cursor } from './cursor.js';

export const MAX_LIMIT = 200;

/** What a feed request asks for, validated: the only parameters the route reads. */
export interface FeedQuery {
  limit: number;
  before?: Cursor;
  q?: string;
  source?: string;
  tag?: string;
}

// Control characters (NUL included) and unpaired surrogates: no search, source id or tag contains them.
const CONTROL = /[\p{Cc}\p{Cs}]/u;

export const once = (name: string) => z.string({ error: `query parameter "${name}" must be given once` });

/** Free text: empty means absent. */
const text = (name: string, max: number) =>
  once(name)
    .max(max, `query parameter "${name}" is too long (${max} characters at most)`)
    .refine((value) => !CONTROL.test(value), `query parameter "${name}" contains control characters`)
    .transform((value) => value || undefined);

const limitMessage = `query parameter "limit" must be a whole number from 1 to ${MAX_LIMIT}`;
/** `limit`: plain decimal digits only (Number() would also take " 10", "1e2" and "0x10"), 1 to MAX_LIMIT. */
export const limitParam = once('limit')
  .regex(/^\d{1,10}$/, limitMessage)
  .transform(Number)
  .refine((n) => n >= 1 && n <= MAX_LIMIT, limitMessage);

// Built once: constructing a zod schema costs far more than a cached feed takes to serve.
const schema = z.object({
  limit: limitParam.optional(),
  before: once('before')
    .transform((value, ctx) => {
      const cursor = decodeCursor(value);
      if (!cursor)
        ctx.addIssue({
          code: 'custom',
          message: 'query parameter "before" is not a valid cursor (use the feed\'s next link)',
        });
      return cursor ?? z.NEVER;
    })
    .optional(),
  q: text('q', 500).optional(),
  source: text('source', 200).optional(),
  tag: text('tag', 200).optional(),
});

export type QueryResult = { ok: true; query: FeedQuery } | { ok: false; message: string };

/** Reads the parameters the feeds understand; others are ignored. A bad one is named in the message (for a 400). */
export function parseFeedQuery(raw: Record<string, unknown>, defaultLimit: number): QueryResult {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) return { ok: false, message: parsed.error.issues[0]?.message ?? 'bad query' };
  const { limit, before, q, source, tag } = parsed.data;
  return { ok: true, query: { limit: limit ?? defaultLimit, before, q, source, tag } };
}

/** The query in one spelling, in a fixed order (the default limit left out): for cache keys and links. */
export function canonicalParams(query: FeedQuery, defaultLimit: number): URLSearchParams {
  const params = new URLSearchParams();
  if (query.limit !== defaultLimit) params.set('limit', String(query.limit));
  for (const name of ['q', 'source', 'tag'] as const) {
    const value = query[name];
    if (value !== undefined) params.set(name, value);
  }
  if (query.before) params.set('before', encodeCursor(query.before.publishedAt, query.before.id));
  return params;
}
