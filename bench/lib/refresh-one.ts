// Refreshes one source through the real pipeline in a process of its own, so its peak RSS is that of one refresh.
// Usage: node --import tsx bench/lib/refresh-one.ts '{"databaseUrl": ..., "id": ..., "url": ...}' → one JSON line.
// Without `url` it only loads the modules (opening the database client loads the driver; it connects on first query):
// the baseline for the same process.
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { configSchema } from '../../src/config/schema.js';
import { openDatabase } from '../../src/db/client.js';
import { silentLogger } from '../../src/log.js';
import { syncSources } from '../../src/storage/sources.js';
import { createContext } from '../../src/worker/context.js';
import { tuneIngestHeap } from '../../src/commands/heap.js';
import { runPass } from '../../src/worker/pass.js';

interface RefreshOneOptions {
  databaseUrl: string;
  id: string;
  url?: string;
  /** The source's `maxBytes` setting (default: the 10 MiB default cap). */
  maxBytes?: string;
}

export interface RefreshOneResult {
  /** Peak resident set of this process, KiB. */
  maxRssKiB: number;
  ms?: number;
  /** Longest the event loop was held during the refresh (what a request to `serve` could have waited), ms. */
  longestBlockMs?: number;
  ok?: boolean;
  status?: number;
  items?: number;
  added?: number;
  error?: string;
}

// As the CLI does for every process that ingests.
tuneIngestHeap();
const options = JSON.parse(process.argv[2] ?? '{}') as RefreshOneOptions;
const result: RefreshOneResult = { maxRssKiB: 0 };
const database = await openDatabase({ url: options.databaseUrl });
try {
  if (options.url) {
    const config = configSchema.parse({ sources: [{ id: options.id, url: options.url, maxBytes: options.maxBytes }] });
    await syncSources(database.db, config);
    const ctx = createContext({ config, configPath: 'farm.yaml', database, log: silentLogger() });
    const delay = monitorEventLoopDelay({ resolution: 5 });
    delay.enable();
    const started = performance.now();
    const [pass] = await runPass(ctx, { ids: [options.id] });
    result.ms = performance.now() - started;
    delay.disable();
    result.longestBlockMs = delay.max / 1e6;
    const outcome = pass?.outcome;
    if (outcome?.ok)
      Object.assign(result, { ok: true, status: outcome.status, items: outcome.items, added: outcome.stored.added });
    else if (outcome) Object.assign(result, { ok: false, status: outcome.status, error: outcome.error });
  }
} finally {
  await database.close();
}
result.maxRssKiB = process.resourceUsage().maxRSS;
console.log(JSON.stringify(result));
