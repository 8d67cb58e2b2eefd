import type { SourceRow } from '../storage/sources.js';
import type { RefreshOutcome } from '../worker/refresh-source.js';
import { metrics } from './registry.js';

export function recordFetch(sourceId: string, outcome: RefreshOutcome): void {
  const label = !outcome.ok ? 'error' : outcome.notModified ? 'not_modified' : 'ok';
  metrics.fetches.inc({ source: sourceId, outcome: label });
  metrics.fetchDuration.observe({ outcome: label }, outcome.durationMs / 1000);
  if (outcome.ok) {
    metrics.itemsIngested.inc({ kind: 'added' }, outcome.stored.added);
    metrics.itemsIngested.inc({ kind: 'updated' }, outcome.stored.updated);
    metrics.duplicatesMerged.inc(outcome.stored.merged);
  }
}

/** How late each claimed source was against its due time: the scheduler keeping up shows as lag near zero. */
export function recordClaimLag(rows: readonly Pick<SourceRow, 'nextFetchAt'>[]): void {
  const now = Date.now();
  for (const row of rows) metrics.schedulerLag.observe(Math.max(0, (now - row.nextFetchAt.getTime()) / 1000));
}
