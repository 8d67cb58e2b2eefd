import v8 from 'node:v8';

/**
 * V8 tuning for a process that ingests (`fetch`, `worker`, `serve`), set from inside since the CLI is started as
 * `node dist/cli.js`. Ingest allocates fast and briefly (bodies, parse trees, sanitized strings) over a live heap of
 * about 50 MiB, and by default V8 lets the old generation grow up to 4× what the last full collection kept: peak RSS is
 * mostly garbage. Here it may grow to 2.5× (a flag read at run time, unlike --max-old-space-size). Measured on the farm
 * world (docs/benchmarks.md): 232–236 → 186 MiB peak for about 7 % more CPU. It does not cap the heap, so no legal feed
 * runs out of memory because of it. Keeping the young generation at its initial size as well saved another ~18 MiB
 * but cost 11 % of the CPU of a first pass in extra scavenges, once the database work had become cheap: dropped.
 * Set before the fetching stack is loaded (cli.ts): set after it, the same run peaked at 206–223 MiB instead of 186–191.
 */
export function tuneIngestHeap(): void {
  v8.setFlagsFromString('--heap-growing-percent=150');
}
