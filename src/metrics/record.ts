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
