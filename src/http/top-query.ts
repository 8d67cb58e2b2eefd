import { z } from 'zod';
import { TOP_WINDOW } from '../config/schema.js';
import { limitParam, once } from './feed-query.js';

/** What a top-stories request asks for, validated, defaults filled in from `output.top`. */
export interface TopFeedQuery {
  windowMs: number;
  minOutlets: number;
  limit: number;
}

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const MAX_MIN_OUTLETS = 1000;
const windowMessage = `query parameter "window" must be a duration from ${TOP_WINDOW.label}, in whole minutes, hours or days (e.g. 12h, 2d)`;
const minOutletsMessage = `query parameter "min_outlets" must be a whole number from 1 to ${MAX_MIN_OUTLETS}`;

// Built once, like the feed query schema.
const schema = z.object({
  window: once('window')
    .transform((value, ctx) => {
      const ms = parseWindow(value);
      if (ms === undefined || ms < TOP_WINDOW.min || ms > TOP_WINDOW.max) {
        ctx.addIssue({ code: 'custom', message: windowMessage });
        return z.NEVER;
      }
      return ms;
    })
    .optional(),
  min_outlets: once('min_outlets')
    .regex(/^\d{1,10}$/, minOutletsMessage)
    .transform(Number)
    .refine((n) => n >= 1 && n <= MAX_MIN_OUTLETS, minOutletsMessage)
    .optional(),
  limit: limitParam.optional(),
});

/** "90m", "12h", "2d": one whole number and one unit; undefined otherwise. */
export function parseWindow(value: string): number | undefined {
  const match = /^(\d{1,6})([mhd])$/.exec(value);
  return match ? Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS] : undefined;
}

/** The shortest spelling of a window: whole days, else whole hours, else minutes. */
export function formatWindow(ms: number): string {
  if (ms % UNIT_MS.d === 0) return `${ms / UNIT_MS.d}d`;
  if (ms % UNIT_MS.h === 0) return `${ms / UNIT_MS.h}h`;
  return `${Math.round(ms / UNIT_MS.m)}m`;
}

export type TopQueryResult = { ok: true; query: TopFeedQuery } | { ok: false; message: string };

/** Reads `window`, `min_outlets` and `limit`; others are ignored. A bad one is named in the message (for a 400). */
export function parseTopQuery(raw: Record<string, unknown>, defaults: TopFeedQuery): TopQueryResult {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) return { ok: false, message: parsed.error.issues[0]?.message ?? 'bad query' };
  const { window, min_outlets: minOutlets, limit } = parsed.data;
  return {
    ok: true,
    query: {
      windowMs: window ?? defaults.windowMs,
      minOutlets: minOutlets ?? defaults.minOutlets,
      limit: limit ?? defaults.limit,
    },
  };
}

/** The query in one spelling, defaults left out, in a fixed order: for cache keys and self links. */
export function canonicalTopParams(query: TopFeedQuery, defaults: TopFeedQuery): URLSearchParams {
  const params = new URLSearchParams();
  if (query.windowMs !== defaults.windowMs) params.set('window', formatWindow(query.windowMs));
  if (query.minOutlets !== defaults.minOutlets) params.set('min_outlets', String(query.minOutlets));
  if (query.limit !== defaults.limit) params.set('limit', String(query.limit));
  return params;
}
