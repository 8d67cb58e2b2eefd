import { availableParallelism } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { databaseErrorMessage } from '../db/errors.js';
import type { AppContext } from './context.js';
import { effectiveSource } from './context.js';
import { recordClaimLag, recordFetch } from '../metrics/record.js';
import { claimSources } from './claim.js';
import { refreshSource, type RefreshOptions, type RefreshOutcome } from './refresh-source.js';
import type { SourceRow } from '../storage/sources.js';
import { afterSourceRefresh } from './websub-subscriber.js';
import { ByteBudget } from '../util/byte-budget.js';
import { Limiter } from '../util/limiter.js';

export interface PassResult {
  sourceId: string;
  outcome: RefreshOutcome;
}

export interface PassOptions {
  /** Only these sources (claimed whether due or not). */
  ids?: string[];
  /** Every enabled source now, whether due or not. */
  force?: boolean;
  onResult?: (result: PassResult) => void;
  /** Called once the pass knows it has work, with how many sources it has claimed so far. */
  onClaim?: (claimedSoFar: number) => void;
  /** Claim nothing more once this is aborted (shutdown); sources in flight finish. */
  stop?: AbortSignal;
  /** Abort the requests in flight (shutdown deadline); their sources are left for the next pass. */
  abort?: AbortSignal;
  /** For tests: the guarded DNS lookup used for untrusted links. */
  lookup?: RefreshOptions['lookup'];
  /**
   * Keep claiming sources as they fall due, checking this often while others are in flight (the scheduler's tick), with
   * the context `current` gives then (reloads). Without it a pass claims what is due when it starts and as slots free up.
   */
  recheckMs?: number;
  current?: () => AppContext;
}

/**
 * Documents parsed but not yet stored, in bytes of their bodies, across the passes of this process. A parsed feed
 * takes 10–20× its size (a 10 MiB feed peaks at about +200 MiB): sixteen legal 10 MiB feeds refreshed at once would
 * need gigabytes, while everyday feeds (tens to hundreds of KiB) never wait. A larger document is admitted alone.
 */
export const BYTES_IN_FLIGHT = 16 * 2 ** 20;
export const ingestBudget = new ByteBudget(BYTES_IN_FLIGHT);

/**
 * Stores (the database half of a refresh) running at once in this process, while fetching and parsing keep the
 * configured concurrency. Sixteen transactions at once on a 2-core machine cost Postgres about 20 % more CPU in
 * contention for no more throughput. A store alternates between its own JS and waiting on the database, so one more
 * than the cores keeps them busy: on the farm world (2 cores) 1, 2, 3, 4 and 16 at once took 51.6, 40.3, 38.2, 40.3
 * and 40–45 s.
 */
export const STORES_AT_ONCE = availableParallelism() + 1;
export const storeSlots = new Limiter(STORES_AT_ONCE);

/** A lease covers one source's refresh, article pages included: a generous multiple of the longest timeout. */
export function leaseMs(ctx: AppContext): number {
  if (ctx.leaseMs) return ctx.leaseMs;
  const { config } = ctx;
  return (
    Math.max(...config.sources.map((s) => s.timeout ?? config.defaults.timeout), config.defaults.timeout) * 3 + 60_000
  );
}

/** A refresh is abandoned (and recorded as failed) at 80 % of its lease, leaving time to record it before the lease ends. */
export const refreshDeadlineMs = (ctx: AppContext) => Math.floor(leaseMs(ctx) * 0.8);

/** When another worker was claiming, claim again this soon (or when a refresh ends, if sooner). */
const BUSY_RETRY_MS = 20;

/**
 * One pass: keep up to `concurrency` sources in flight, leasing more as slots free up, until nothing due (or named) is
 * left. The per-host limit is enforced by the claim itself, against every worker's leases.
 */
export async function runPass(first: AppContext, options: PassOptions = {}): Promise<PassResult[]> {
  const current = () => options.current?.() ?? first;
  // A scheduled pass claims only due sources, so a source it refreshed comes back when it is due again; an explicit one
  // (forced or named) would claim a source again and again, so each is refreshed once.
  const once = Boolean(options.force || options.ids);
  const results: PassResult[] = [];
  const done: string[] = [];
  const inFlight = new Set<Promise<void>>();
  let claimedSoFar = 0;

  const start = (ctx: AppContext, row: SourceRow) => {
    if (once) done.push(row.id);
    const task = refreshClaimed(ctx, row, options)
      .then((result) => {
        if (result) {
          results.push(result);
          options.onResult?.(result);
        }
      })
      .finally(() => inFlight.delete(task));
    inFlight.add(task);
  };

  const stopped = whenAborted(options.stop);
  try {
    while (!options.stop?.aborted) {
      const ctx = current();
      const { config } = ctx;
      const free = config.defaults.concurrency - inFlight.size;
      const claim =
        free > 0
          ? await claimSources(ctx.database.db, {
              owner: ctx.workerId,
              leaseMs: leaseMs(ctx),
              limit: free,
              perHost: config.defaults.perHostConcurrency,
              ids: options.ids,
              force: once,
              exclude: done,
              // With refreshes in flight there is work to wait on: no need to queue behind another worker's claim.
              skipIfBusy: inFlight.size > 0,
            })
          : { rows: [], heldBack: 0 };
      recordClaimLag(claim.rows);
      for (const row of claim.rows) start(ctx, row);
      claimedSoFar += claim.rows.length;
      if (claim.rows.length > 0) options.onClaim?.(claimedSoFar);
      if (claim.rows.length > 0 && inFlight.size < config.defaults.concurrency) continue;
      if (inFlight.size > 0) {
        // A slow source must not keep others waiting past their due time: look again every recheckMs (soon, when the
        // claim found another worker claiming and left free slots).
        const recheck = new AbortController();
        const after = claim.busy ? BUSY_RETRY_MS : options.recheckMs;
        const wake = after
          ? sleep(after, undefined, { ref: false, signal: recheck.signal }).catch(() => {})
          : undefined;
        await Promise.race([...inFlight, stopped.promise, ...(wake ? [wake] : [])]);
        recheck.abort();
      } else if (claim.heldBack > 0 && (options.force || options.ids)) {
        // Another process holds this host's slots; an explicit pass waits for them rather than skipping sources.
        await sleep(250, undefined, { signal: options.stop }).catch(() => {});
      } else {
        break;
      }
    }
  } finally {
    // A claim can throw (database down): the listener goes either way.
    stopped.dispose();
  }
  await Promise.all(inFlight);
  return results;
}

/** Resolves once `signal` aborts; `dispose` removes the listener, since a worker's stop signal outlives its passes. */
function whenAborted(signal?: AbortSignal): { promise: Promise<void>; dispose(): void } {
  let onAbort = () => {};
  const promise = new Promise<void>((resolve) => {
    onAbort = () => resolve();
  });
  signal?.addEventListener('abort', onAbort, { once: true });
  return { promise, dispose: () => signal?.removeEventListener('abort', onAbort) };
}

async function refreshClaimed(ctx: AppContext, row: SourceRow, options: PassOptions): Promise<PassResult | undefined> {
  const sourceConfig = ctx.config.sources.find((s) => s.id === row.id);
  if (!sourceConfig) return undefined;
  const source = effectiveSource(ctx.config, sourceConfig);
  let outcome: RefreshOutcome;
  try {
    outcome = await refreshSource(ctx.database.db, source, row, ctx.topics, {
      lookup: options.lookup,
      signal: options.abort,
      deadlineMs: refreshDeadlineMs(ctx),
      budget: ingestBudget,
      storeSlots,
      retention: ctx.config.retention,
      onFullTextError: (url, err) =>
        ctx.log.warn({ source: row.id, url, err: err.message }, 'full text not fetched: keeping the feed content'),
      onRecordError: (err) =>
        ctx.log.error(
          { source: row.id, err: databaseErrorMessage(err) },
          'could not record the failure; the source is retried when its lease ends',
        ),
    });
  } catch (err) {
    // Only the database can get here (refreshSource records fetch errors itself).
    outcome = { ok: false, error: `database: ${databaseErrorMessage(err)}`, durationMs: 0 };
  }
  recordFetch(row.id, outcome);
  const { log } = ctx;
  if (outcome.ok) {
    await afterSourceRefresh(ctx, source, outcome.hub, options.lookup).catch((err: unknown) =>
      log.warn(
        { source: row.id, err: databaseErrorMessage(err) },
        "websub: subscription to the source's hub not updated",
      ),
    );
  }
  if (outcome.ok) {
    log.info(
      {
        source: row.id,
        status: outcome.status,
        ms: outcome.durationMs,
        items: outcome.items,
        new: outcome.stored.added,
        updated: outcome.stored.updated,
        merged: outcome.stored.merged,
        ...(outcome.stored.expired > 0 ? { expired: outcome.stored.expired } : {}),
      },
      'fetched',
    );
    if (outcome.movedTo)
      log.warn(
        { source: row.id, url: sourceConfig.url, movedTo: outcome.movedTo },
        'feed has moved: update its url in the config',
      );
  } else {
    log.warn({ source: row.id, status: outcome.status, ms: outcome.durationMs, err: outcome.error }, 'fetch failed');
  }
  return { sourceId: row.id, outcome };
}
