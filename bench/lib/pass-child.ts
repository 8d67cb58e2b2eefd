// One worker process for the scale-out measurement: loads its modules and opens the database, says "ready", waits for
// a line on stdin (so several start their passes together), runs one scheduled pass (claiming only due sources, as
// `tributary worker` does, so several share the work), then prints one JSON line.
// Usage: node --import tsx bench/lib/pass-child.ts '{"databaseUrl": ..., "configPath": ...}'
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../../src/config/load.js';
import { openDatabase } from '../../src/db/client.js';
import { silentLogger } from '../../src/log.js';
import { metrics } from '../../src/metrics/registry.js';
import { createContext } from '../../src/worker/context.js';
import { runPass } from '../../src/worker/pass.js';
import { tuneIngestHeap } from '../../src/commands/heap.js';

export interface PassChildResult {
  ms: number;
  sources: number;
  failed: number;
  added: number;
  merged: number;
  /** Total seconds this process's stores waited on story-matching locks, and how many waits. */
  lockWaitSeconds: number;
  lockWaits: number;
  /** Total seconds its claims waited for other workers' claims. */
  claimWaitSeconds: number;
  maxRssKiB: number;
  /** CPU time (user + system) of this process during its pass. */
  cpuMs: number;
}

// As the CLI does for every process that ingests.
tuneIngestHeap();
const options = JSON.parse(process.argv[2] ?? '{}') as { databaseUrl: string; configPath: string };
const loaded = await loadConfig(options.configPath);
if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
const database = await openDatabase({ url: options.databaseUrl });
try {
  const ctx = createContext({ config: loaded.config, configPath: options.configPath, database, log: silentLogger() });
  console.log('ready');
  process.stdin.setEncoding('utf8');
  await once(process.stdin, 'data');
  const started = performance.now();
  const cpu = process.cpuUsage();
  const results = await runPass(ctx);
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const wait = (await metrics.storeLockWait.get()).values;
  const result: PassChildResult = {
    ms,
    sources: results.length,
    failed: results.filter((r) => !r.outcome.ok).length,
    added: results.reduce((n, r) => n + (r.outcome.ok ? r.outcome.stored.added : 0), 0),
    merged: results.reduce((n, r) => n + (r.outcome.ok ? r.outcome.stored.merged : 0), 0),
    lockWaitSeconds: wait.find((v) => v.metricName === 'tributary_store_lock_wait_seconds_sum')?.value ?? 0,
    lockWaits: wait.find((v) => v.metricName === 'tributary_store_lock_wait_seconds_count')?.value ?? 0,
    claimWaitSeconds:
      (await metrics.claimLockWait.get()).values.find((v) => v.metricName === 'tributary_claim_lock_wait_seconds_sum')
        ?.value ?? 0,
    maxRssKiB: process.resourceUsage().maxRSS,
    cpuMs: (used.user + used.system) / 1000,
  };
  console.log(JSON.stringify(result));
} finally {
  await database.close();
  process.stdin.destroy();
}
