import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { sources } from '../db/schema.js';
import { FetchError } from '../fetcher/errors.js';
import type { FetchResult } from '../fetcher/http.js';
import type { ParsedFeed } from '../parser/types.js';
import { withFullText, type FullTextOptions } from '../fulltext/enrich.js';
import { normalizeFeed } from '../processor/normalize.js';
import { storeArticles, type StoreResult } from '../storage/articles.js';
import type { SourceRow } from '../storage/sources.js';
import type { TopicMatcher } from '../topics/match.js';
import { backoffDelay, nextPollDelay } from './backoff.js';
import type { EffectiveSource } from './context.js';
import { fetchFeed } from './fetch-feed.js';

export type RefreshOutcome =
  | {
    ok: true; status: number; notModified: boolean; stored: StoreResult; items: number; durationMs: number;
    /** The feed now lives here (permanent redirect or autodiscovery) and the config should say so. */
    movedTo?: string;
  }
  | { ok: false; status?: number; error: string; durationMs: number };

const EMPTY: StoreResult = { added: 0, updated: 0, unchanged: 0, merged: 0 };

/** Fetch, parse, normalize and store one source, then record its health. Never throws for a bad source. */
export interface RefreshOptions {
  /** For tests: the guarded DNS lookup used for untrusted links (article pages). */
  lookup?: FullTextOptions['lookup'];
  /** Shutdown deadline: abandon the fetch and leave the source as it was, to be fetched by the next pass. */
  signal?: AbortSignal;
}

export async function refreshSource(
  db: Db, source: EffectiveSource, row: SourceRow, topics: readonly TopicMatcher[], options: RefreshOptions = {},
): Promise<RefreshOutcome> {
  const started = Date.now();
  const attemptAt = new Date();
  try {
    const fetched = await fetchFeed(source, row, options.lookup, options.signal);
    const { response } = fetched;
    if (fetched.notModified) {
      await recordSuccess(db, source, row, response, undefined, 0, attemptAt, started);
      return { ok: true, status: 304, notModified: true, stored: EMPTY, items: 0, durationMs: Date.now() - started };
    }
    let items = normalizeFeed(fetched.feed, { feedUrl: response.url, now: attemptAt });
    if (source.fullText) items = await withFullText(db, source, items, { lookup: options.lookup });
    const stored = await storeArticles(db, { id: source.id, tags: source.tags }, items, topics);
    const movedTo = fetched.movedTo && fetched.movedTo !== (row.currentUrl ?? source.url) ? fetched.movedTo : undefined;
    await recordSuccess(db, source, row, response, fetched.feed, items.length, attemptAt, started, movedTo);
    return { ok: true, status: response.status, notModified: false, stored, items: items.length, durationMs: Date.now() - started, movedTo };
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    const status = err instanceof FetchError ? err.status : undefined;
    if (options.signal?.aborted) return { ok: false, error: 'abandoned at shutdown', durationMs: Date.now() - started };
    await recordFailure(db, source, row, err, attemptAt, started);
    return { ok: false, status, error, durationMs: Date.now() - started };
  }
}

function maxAgeMs(response: FetchResult): number | undefined {
  const match = /max-age=(\d+)/i.exec(String(response.headers['cache-control'] ?? ''));
  return match ? Number(match[1]) * 1000 : undefined;
}

async function recordSuccess(
  db: Db, source: EffectiveSource, row: SourceRow, response: FetchResult, feed: ParsedFeed | undefined,
  itemCount: number, attemptAt: Date, started: number, movedTo?: string,
) {
  const ttl = feed?.ttlMinutes !== undefined ? feed.ttlMinutes * 60_000 : undefined;
  const hint = Math.max(ttl ?? 0, maxAgeMs(response) ?? 0) || undefined;
  const header = (name: string) => {
    const value = response.headers[name];
    return typeof value === 'string' ? value : null;
  };
  await db.update(sources).set({
    lastAttemptAt: attemptAt,
    lastSuccessAt: attemptAt,
    lastStatus: response.status,
    lastError: null,
    lastDurationMs: Date.now() - started,
    consecutiveFailures: 0,
    etag: response.notModified ? row.etag : header('etag'),
    lastModified: response.notModified ? row.lastModified : header('last-modified'),
    currentUrl: movedTo ?? response.permanentUrl ?? row.currentUrl,
    ...(feed ? { feedTitle: feed.title ?? null, siteUrl: feed.link ?? null, itemsSeen: itemCount } : {}),
    nextFetchAt: new Date(attemptAt.getTime() + nextPollDelay(source.interval, hint)),
    leaseOwner: null,
    leaseUntil: null,
  }).where(eq(sources.id, source.id));
}

async function recordFailure(db: Db, source: EffectiveSource, row: SourceRow, err: unknown, attemptAt: Date, started: number) {
  const status = err instanceof FetchError ? err.status : undefined;
  const retryAfter = err instanceof FetchError ? err.retryAfterSeconds : undefined;
  const gone = status === 410;
  // A server asking us to come back later is not a broken source.
  const throttled = (status === 429 || status === 503) && retryAfter !== undefined;
  const failures = throttled ? row.consecutiveFailures : row.consecutiveFailures + 1;
  let delay = throttled ? retryAfter * 1000 : backoffDelay(failures, source.interval);
  if (retryAfter !== undefined) delay = Math.max(delay, retryAfter * 1000);
  await db.update(sources).set({
    lastAttemptAt: attemptAt,
    lastStatus: status ?? null,
    lastError: err instanceof Error ? err.message : String(err),
    lastDurationMs: Date.now() - started,
    consecutiveFailures: failures,
    gone,
    nextFetchAt: new Date(attemptAt.getTime() + delay),
    leaseOwner: null,
    leaseUntil: null,
  }).where(eq(sources.id, source.id));
}
