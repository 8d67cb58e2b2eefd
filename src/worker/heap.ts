import v8 from 'node:v8';

/**
 * V8 tuning for a process that ingests (`fetch`, `worker`, `serve`), set from inside since the CLI is started as
 * `node dist/cli.js`: the young generation stays at its initial size instead of growing to 16 MiB semi-spaces.
 * Ingest allocates fast and briefly (bodies, parse trees, sanitized strings), so the grown nursery is mostly garbage
 * that costs RSS without saving time. Measured on the farm bench (docs/benchmarks.md): peak RSS of the first pass
 * 252 → 217 MiB at the same items/s, and a legal 10 MiB feed refreshed in the same time (351 → 339 MiB peak). This
 * caps nothing, so no legal feed can run out of heap because of it; only the growth of the nursery is read at run
 * time, which is why it is this flag and not --max-semi-space-size (ignored once the heap exists).
 */
export function tuneIngestHeap(): void {
  v8.setFlagsFromString('--semi-space-growth-factor=1');
}
