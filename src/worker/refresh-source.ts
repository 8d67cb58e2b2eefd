import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { sources } from '../db/schema.js';
import { FetchError } from '../fetcher/errors.js';
import type { FetchResult } from '../fetcher/http.js';
import type { ParsedFeed } from '../parser/types.js';
import { withFullText, type FullTextOptions } from '../fulltext/enrich.js';
import { stripForbidden, truncate } from '../processor/hygiene.js';
import { sketchArticlesInSlices } from '../dedup/sketch.js';
import { normalizeParsedFeedInSlices, type NormalizedFeed } from '../processor/normalize.js';
import { storeArticles, type StoreResult } from '../storage/articles.js';
import type { RetentionPolicy } from '../storage/retention.js';
import type { SourceRow } from '../storage/sources.js';
import type { TopicMatcher } from '../topics/match.js';
import { backoffDelay, nextPollDelay } from './backoff.js';
import type { EffectiveSource } from './context.js';
import { withDeadline } from './deadline.js';
import { fetchFeed } from './fetch-feed.js';
import type { ByteBudget } from '../util/byte-budget.js';
import type { Limiter } from '../util/limiter.js';
import type { DiscoveredHub } from '../websub/discover.js';

export type RefreshOutcome =
  | {
      ok: true;
      status: number;
      notModified: boolean;
      stored: StoreResult;
      items: number;
      durationMs: number;
      /** The feed now lives here (permanent redirect or autodiscovery) and the config should say so. */
      movedTo?: string;
      /** The WebSub hub the fetched feed advertises (none known after a 304). */
      hub?: DiscoveredHub;
    }
  | { ok: false; status?: number; error: string; durationMs: number };

const EMPTY: StoreResult = { added: 0, updated: 0, unchanged: 0, merged: 0, expired: 0 };

/** Fetch, parse, normalize and store one source, then record its health. Never throws for a bad source. */
export interface RefreshOptions {
  /** For tests: the guarded DNS lookup used for untrusted links (article pages). */
  lookup?: FullTextOptions['lookup'];
  /** Shutdown deadline: abandon the refresh and leave the source as it was, to be fetched by the next pass. */
  signal?: AbortSignal;
  /**
   * The whole refresh (fetch, parse, normalize, full text, store) ends by then (set below the source's lease): a stage
   * still running is abandoned and the source recorded as failed, so one source can never hold a worker.
   */
  deadlineMs?: number;
  /** Told when even recording a failure failed (the database), so that it is logged somewhere. */
  onRecordError?: (error: unknown) => void;
  /** Told of each article page full-text extraction could not fetch or read. */
  onFullTextError?: FullTextOptions['onError'];
  /** Bytes in flight shared with the other refreshes of the process (parsed but not yet stored). */
  budget?: ByteBudget;
  /** Stores running at once in this process (see STORES_AT_ONCE in pass.ts); unbounded without. */
  storeSlots?: Limiter;
  /** The configured retention: new items it would prune at once are not stored. */
  retention?: RetentionPolicy;
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

export async function refreshSource(
  db: Db,
  source: EffectiveSource,
  row: SourceRow,
  topics: readonly TopicMatcher[],
  options: RefreshOptions = {},
): Promise<RefreshOutcome> {
  const started = Date.now();
  const attemptAt = new Date();
  let stage = 'fetching and parsing';
  try {
    return await withDeadline(
      options.deadlineMs,
      options.signal,
      () => `refresh took longer than ${seconds(options.deadlineMs ?? 0)}: abandoned while ${stage}`,
      async (signal) => {
        const fetched = await fetchFeed(source, row, options.lookup, signal, options.budget);
        const { response } = fetched;
        if (fetched.notModified) {
          stage = 'recording';
          await recordSuccess(db, source, row, response, undefined, undefined, 0, attemptAt, started);
          return {
            ok: true,
            status: 304,
            notModified: true,
            stored: EMPTY,
            items: 0,
            durationMs: Date.now() - started,
          };
        }
        // Abandoned at the deadline or not, the document's bytes go back once this settles.
        signal.addEventListener('abort', fetched.release, { once: true });
        try {
          stage = 'normalizing';
          // In slices: in `serve` the HTTP server shares this event loop, and a 5,000-item feed is ~0.5 s of work.
          const normalized = await normalizeParsedFeedInSlices(
            fetched.feed,
            { feedUrl: response.url, now: attemptAt },
            signal,
          );
          let { items } = normalized;
          stage = 'fetching full text';
          if (source.fullText)
            items = await withFullText(db, source, items, {
              lookup: options.lookup,
              signal,
              onError: options.onFullTextError,
            });
          signal.throwIfAborted();
          // The pipeline: normalize → sketch (pure, per item) → store, which looks up candidates, plans the matches
          // (dedup/plan.ts, pure) and applies the plan in one transaction.
          stage = 'sketching';
          const sketched = await sketchArticlesInSlices(items, signal);
          stage = 'storing';
          const store = () =>
            storeArticles(db, { id: source.id, tags: source.tags }, sketched, topics, {
              retention: options.retention,
              now: attemptAt,
            });
          const stored = await (options.storeSlots ? options.storeSlots.run(store) : store());
          const movedTo =
            fetched.movedTo && fetched.movedTo !== (row.currentUrl ?? source.url) ? fetched.movedTo : undefined;
          stage = 'recording';
          await recordSuccess(
            db,
            source,
            row,
            response,
            fetched.feed,
            normalized,
            items.length,
            attemptAt,
            started,
            movedTo,
          );
          return {
            ok: true,
            status: response.status,
            notModified: false,
            stored,
            items: items.length,
            durationMs: Date.now() - started,
            movedTo,
            hub: fetched.hub,
          };
        } finally {
          fetched.release();
        }
      },
    );
  } catch (err) {
    const status = err instanceof FetchError ? err.status : undefined;
    if (options.signal?.aborted) return { ok: false, error: 'abandoned at shutdown', durationMs: Date.now() - started };
    const error = failureMessage(err);
    // After the stage's own rollback: whatever failed, database included, the source's health says so.
    await recordFailure(db, source, row, err, error, attemptAt, started).catch((recordError: unknown) =>
      options.onRecordError?.(recordError),
    );
    return { ok: false, status, error, durationMs: Date.now() - started };
  }
}

/**
 * What to record and show about a failure: the driver's own message rather than drizzle's "Failed query: <SQL>
 * params: <the item's values>" (which could hold anything, a NUL Postgres then refuses again), without characters
 * XML forbids, and short.
 */
export function failureMessage(err: unknown): string {
  if (!(err instanceof Error)) return truncate(stripForbidden(String(err)), 1000);
  const database = err.cause instanceof Error && /^Failed query/.test(err.message);
  const message = database ? `database: ${(err.cause as Error).message}` : err.message;
  return truncate(stripForbidden(message), 1000);
}

function maxAgeMs(response: FetchResult): number | undefined {
  const match = /max-age=(\d+)/i.exec(String(response.headers['cache-control'] ?? ''));
  return match ? Number(match[1]) * 1000 : undefined;
}

async function recordSuccess(
  db: Db,
  source: EffectiveSource,
  row: SourceRow,
  response: FetchResult,
  feed: ParsedFeed | undefined,
  normalized: NormalizedFeed | undefined,
  itemCount: number,
  attemptAt: Date,
  started: number,
  movedTo?: string,
) {
  const ttl = feed?.ttlMinutes !== undefined ? feed.ttlMinutes * 60_000 : undefined;
  const hint = Math.max(ttl ?? 0, maxAgeMs(response) ?? 0) || undefined;
  const header = (name: string) => {
    const value = response.headers[name];
    return typeof value === 'string' ? value : null;
  };
  await db
    .update(sources)
    .set({
      lastAttemptAt: attemptAt,
      lastSuccessAt: attemptAt,
      lastStatus: response.status,
      lastError: null,
      lastDurationMs: Date.now() - started,
      consecutiveFailures: 0,
      etag: response.notModified ? row.etag : header('etag'),
      lastModified: response.notModified ? row.lastModified : header('last-modified'),
      currentUrl: movedTo ?? response.permanentUrl ?? row.currentUrl,
      ...(normalized
        ? { feedTitle: normalized.title, siteUrl: normalized.siteUrl, notice: normalized.notice, itemsSeen: itemCount }
        : {}),
      nextFetchAt: new Date(attemptAt.getTime() + nextPollDelay(source.interval, hint)),
      leaseOwner: null,
      leaseUntil: null,
    })
    .where(eq(sources.id, source.id));
}

async function recordFailure(
  db: Db,
  source: EffectiveSource,
  row: SourceRow,
  err: unknown,
  message: string,
  attemptAt: Date,
  started: number,
) {
  const status = err instanceof FetchError ? err.status : undefined;
  const retryAfter = err instanceof FetchError ? err.retryAfterSeconds : undefined;
  const gone = status === 410;
  // A server asking us to come back later is not a broken source.
  const throttled = (status === 429 || status === 503) && retryAfter !== undefined;
  const failures = throttled ? row.consecutiveFailures : row.consecutiveFailures + 1;
  let delay = throttled ? retryAfter * 1000 : backoffDelay(failures, source.interval);
  if (retryAfter !== undefined) delay = Math.max(delay, retryAfter * 1000);
  await db
    .update(sources)
    .set({
      lastAttemptAt: attemptAt,
      lastStatus: status ?? null,
      lastError: message,
      lastDurationMs: Date.now() - started,
      consecutiveFailures: failures,
      gone,
      nextFetchAt: new Date(attemptAt.getTime() + delay),
      leaseOwner: null,
      leaseUntil: null,
    })
    .where(eq(sources.id, source.id));
}
