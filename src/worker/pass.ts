import type { AppContext } from './context.js';
import { effectiveSource } from './context.js';
import { recordFetch } from '../metrics/record.js';
import { claimSources } from './claim.js';
import { KeyedLimiter, Limiter } from './limiter.js';
import { refreshSource, type RefreshOptions, type RefreshOutcome } from './refresh-source.js';

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
  /** Claim at most this many sources in one pass. */
  limit?: number;
  /** For tests: the guarded DNS lookup used for untrusted links. */
  lookup?: RefreshOptions['lookup'];
}

const hostOf = (url: string) => {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
};

/** One pass: lease the due (or named) sources and refresh them with a global and a per-host concurrency limit. */
export async function runPass(ctx: AppContext, options: PassOptions = {}): Promise<PassResult[]> {
  const { config, database, log } = ctx;
  const byId = new Map(config.sources.map((s) => [s.id, s]));
  const leaseMs = Math.max(...config.sources.map((s) => s.timeout ?? config.defaults.timeout), config.defaults.timeout) * 3 + 60_000;
  const claimed = await claimSources(database.db, {
    owner: ctx.workerId, leaseMs, limit: options.limit ?? 10_000, ids: options.ids, force: options.force || Boolean(options.ids),
  });
  const global = new Limiter(config.defaults.concurrency);
  const perHost = new KeyedLimiter(config.defaults.perHostConcurrency);
  const results: PassResult[] = [];
  await Promise.all(claimed.map(async (row) => {
    const sourceConfig = byId.get(row.id);
    if (!sourceConfig) return;
    const source = effectiveSource(config, sourceConfig);
    const outcome = await perHost.run(hostOf(row.currentUrl ?? source.url), () =>
      global.run(async () => {
        try {
          return await refreshSource(database.db, source, row, ctx.topics, { lookup: options.lookup });
        } catch (err) {
          // Only the database can get here (refreshSource records fetch errors itself).
          return { ok: false, error: `storage: ${(err as Error).message}`, durationMs: 0 } satisfies RefreshOutcome;
        }
      }));
    const result = { sourceId: row.id, outcome };
    recordFetch(row.id, outcome);
    if (outcome.ok) {
      log.info({ source: row.id, status: outcome.status, ms: outcome.durationMs, items: outcome.items, new: outcome.stored.added,
        updated: outcome.stored.updated, merged: outcome.stored.merged }, 'fetched');
      if (outcome.movedTo) log.warn({ source: row.id, url: sourceConfig.url, movedTo: outcome.movedTo }, 'feed has moved: update its url in the config');
    } else {
      log.warn({ source: row.id, status: outcome.status, ms: outcome.durationMs, err: outcome.error }, 'fetch failed');
    }
    results.push(result);
    options.onResult?.(result);
  }));
  return results;
}
