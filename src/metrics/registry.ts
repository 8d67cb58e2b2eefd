import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Everything Tributary reports to Prometheus, in its own registry (no global state shared with libraries). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'tributary_process_' });
  return {
    registry,
    fetches: new Counter({
      name: 'tributary_fetches_total',
      help: 'Source fetches by source and outcome (ok, not_modified, error)',
      labelNames: ['source', 'outcome'],
      registers: [registry],
    }),
    fetchDuration: new Histogram({
      name: 'tributary_fetch_duration_seconds',
      help: 'Fetch, parse and store time per source',
      labelNames: ['outcome'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    itemsIngested: new Counter({
      name: 'tributary_items_ingested_total',
      help: 'Items ingested, by kind (added, updated; expired: new but past retention, not stored)',
      labelNames: ['kind'],
      registers: [registry],
    }),
    duplicatesMerged: new Counter({
      name: 'tributary_duplicates_merged_total',
      help: 'New articles that joined an existing story',
      registers: [registry],
    }),
    sourcesFailing: new Gauge({
      name: 'tributary_sources_failing',
      help: 'Sources whose last fetch failed',
      registers: [registry],
    }),
    schedulerLag: new Histogram({
      name: 'tributary_scheduler_lag_seconds',
      help: 'How late sources were when claimed, against their due time (forced fetches count as on time or early)',
      buckets: [0.5, 1, 5, 10, 30, 60, 300, 900, 3600],
      registers: [registry],
    }),
    sourcesDue: new Gauge({
      name: 'tributary_sources_due',
      help: 'Sources due for a fetch that no worker has claimed yet',
      registers: [registry],
    }),
    schedulerOverdue: new Gauge({
      name: 'tributary_scheduler_overdue_seconds',
      help: 'How long the longest-waiting due source has been waiting',
      registers: [registry],
    }),
    dbPoolMax: new Gauge({
      name: 'tributary_db_pool_max',
      help: 'Database connections this process may open',
      registers: [registry],
    }),
    dbConnections: new Gauge({
      name: 'tributary_db_connections',
      help: 'Database connections this process holds, by state (active, idle)',
      labelNames: ['state'],
      registers: [registry],
    }),
    fullTextErrors: new Counter({
      name: 'tributary_fulltext_errors_total',
      help: 'Article pages full-text extraction could not fetch or read, by source (the feed content is kept)',
      labelNames: ['source'],
      registers: [registry],
    }),
    storeLockWait: new Histogram({
      name: 'tributary_store_lock_wait_seconds',
      help: 'Time story matching waited on a lock (merging concurrently founded stories locks their rows), per wait',
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
      registers: [registry],
    }),
    claimLockWait: new Histogram({
      name: 'tributary_claim_lock_wait_seconds',
      help: "Time a claim of due sources waited for the other workers' claims (they are serialized so that the per-host limit holds across workers), per claim",
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
      registers: [registry],
    }),
    statisticsRefreshed: new Counter({
      name: 'tributary_statistics_refreshed_total',
      help: 'ANALYZE runs of the ingest tables after they grew (the planner needs them; PGlite has no autovacuum), by outcome',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    articlesPruned: new Counter({
      name: 'tributary_articles_pruned_total',
      help: 'Articles deleted by retention',
      registers: [registry],
    }),
    websubSubscriptions: new Gauge({
      name: 'tributary_websub_subscriptions',
      help: 'WebSub subscriptions to this hub whose lease has not ended',
      registers: [registry],
    }),
    websubDeliveries: new Counter({
      name: 'tributary_websub_deliveries_total',
      help: 'WebSub content deliveries by outcome (delivered, failed: retried later, gave_up, dropped: given up delivery.dropAfter times in a row so the subscription was deleted, gone: 410 from the callback)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    websubVerifications: new Counter({
      name: 'tributary_websub_verifications_total',
      help: 'WebSub verifications of intent by mode and outcome (verified, failed)',
      labelNames: ['mode', 'outcome'],
      registers: [registry],
    }),
    websubPublishes: new Counter({
      name: 'tributary_websub_publishes_total',
      help: 'Notifications to the external hub (output.hub) by outcome (ok, failed, gave_up)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    websubSourceSubscriptions: new Gauge({
      name: 'tributary_websub_source_subscriptions',
      help: 'Sources whose hub pushes to us (verified, lease running)',
      registers: [registry],
    }),
    websubPushes: new Counter({
      name: 'tributary_websub_pushes_total',
      help: "Content pushed by sources' hubs, by outcome (ingested, bad_signature, unknown, failed)",
      labelNames: ['outcome'],
      registers: [registry],
    }),
    httpRequests: new Counter({
      name: 'tributary_http_requests_total',
      help: 'HTTP requests by route and status',
      labelNames: ['route', 'status'],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** One registry per process: the worker and the web server of `serve` report into the same one. */
export const metrics = createMetrics();
