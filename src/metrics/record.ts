import { metrics } from './registry.js';

/** What a refresh reports that metrics count (the worker's RefreshOutcome has it, and more). */
export type FetchOutcome =
  | {
      ok: true;
      notModified: boolean;
      durationMs: number;
      stored: { added: number; updated: number; merged: number; expired: number };
    }
  | { ok: false; durationMs: number };

export function recordFetch(sourceId: string, outcome: FetchOutcome): void {
  const label = !outcome.ok ? 'error' : outcome.notModified ? 'not_modified' : 'ok';
  metrics.fetches.inc({ source: sourceId, outcome: label });
  metrics.fetchDuration.observe({ outcome: label }, outcome.durationMs / 1000);
  if (outcome.ok) {
    metrics.itemsIngested.inc({ kind: 'added' }, outcome.stored.added);
    metrics.itemsIngested.inc({ kind: 'updated' }, outcome.stored.updated);
    metrics.itemsIngested.inc({ kind: 'expired' }, outcome.stored.expired);
    metrics.duplicatesMerged.inc(outcome.stored.merged);
  }
}

/** How late each claimed source was against its due time: the scheduler keeping up shows as lag near zero. */
export function recordClaimLag(rows: readonly { nextFetchAt: Date }[]): void {
  const now = Date.now();
  for (const row of rows) metrics.schedulerLag.observe(Math.max(0, (now - row.nextFetchAt.getTime()) / 1000));
}

/** An article page that full-text extraction could not fetch or read (the item keeps the feed's own content). */
export function recordFullTextError(sourceId: string): void {
  metrics.fullTextErrors.inc({ source: sourceId });
}
