// Memory of the web process under many distinct feed URLs: a real `tributary web` process (the built CLI) on a seeded
// Postgres database answers 10,000 requests from a mix of cache-busting parameters, distinct pages, limits and
// searches; its peak RSS (VmHWM) is reported next to its RSS once started and warmed up. Budget: peak < 300 MB.
// BENCH_WEB_ROOT=/path/to/checkout measures another build the same way (e.g. the main branch, for comparison).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'drizzle-orm';
import { parseConfig } from '../src/config/load.js';
import { queryRows } from '../src/db/rows.js';
import { encodeCursor } from '../src/http/cursor.js';
import { bumpDataVersion } from '../src/storage/data-version.js';
import { syncSources } from '../src/storage/sources.js';
import { reevaluateTopic, syncTopics } from '../src/storage/topics.js';
import { benchDatabase, machine } from './lib/database.js';
import { seedTo } from './lib/seed.js';

const STORIES = Number(process.env.BENCH_WEB_STORIES ?? 20_000);
const REQUESTS = Number(process.env.BENCH_WEB_REQUESTS ?? 10_000);
const CONCURRENCY = 16;
const ROOT = process.env.BENCH_WEB_ROOT ?? new URL('..', import.meta.url).pathname;
const BUDGET_MB = 300;

const MB = 2 ** 20;

/** VmRSS (now) and VmHWM (peak) of a process, in bytes. */
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
  return { rss: field('VmRSS'), peak: field('VmHWM') };
}

/** The request mix: which URL the n-th request asks for. */
function urlFor(n: number, newest: number): string {
  switch (n % 10) {
    case 0:
    case 1:
    case 2:
    case 3:
      // Cache busters: the same feed under ever new parameters.
      return `/feeds/all.rss?limit=200&cb=${n}`;
    case 4:
    case 5:
      // A distinct page each time: 200 entries older than a cursor that moves back a second per request.
      return `/feeds/all.atom?limit=200&before=${encodeCursor(new Date(newest - n * 1000), Number.MAX_SAFE_INTEGER)}`;
    case 6:
      return `/feeds/all.json?limit=${1 + (n % 200)}&utm_source=bench${n}`;
    case 7:
      return `/feeds/defense.rss?limit=200&q=missile%20${n}`;
    case 8:
      return `/feeds/all.json?limit=200&tag=t${n}&source=seed`;
    default:
      return `/feeds/defense.json?limit=200&before=${encodeCursor(new Date(newest - n * 500), Number.MAX_SAFE_INTEGER)}`;
  }
}

/** V8 heap and external memory as the process reports them on /metrics. */
async function heapOf(base: string): Promise<{ total: number; used: number; external: number }> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const value = (name: string) =>
    Number(new RegExp(`^tributary_process_${name} (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
  return {
    total: value('nodejs_heap_size_total_bytes'),
    used: value('nodejs_heap_size_used_bytes'),
    external: value('nodejs_external_memory_bytes'),
  };
}

async function startWeb(
  databaseUrl: string,
  config: string,
): Promise<{ pid: number; base: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [join(ROOT, 'dist/cli.js'), 'web'], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      CONFIG: config,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      CI: '1',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const base = await new Promise<string>((resolve, reject) => {
    let buffered = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      const line = buffered
        .split('\n')
        .map((l) => {
          try {
            return JSON.parse(l) as { msg?: string; url?: string };
          } catch {
            return {};
          }
        })
        .find((l) => l.msg === 'listening');
      if (line?.url) resolve(line.url.replace(/\/$/, '').replace('//localhost:', '//127.0.0.1:'));
    });
    child.once('exit', (code) => reject(new Error(`tributary web exited with ${code}`)));
  });
  return {
    pid: child.pid!,
    base,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

async function main() {
  console.log(
    `web memory benchmark — ${machine()}; ${STORIES.toLocaleString('en')} stories on real Postgres, ${REQUESTS.toLocaleString('en')} requests, ${CONCURRENCY} at a time; build: ${ROOT}`,
  );
  const built = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
  if (built.status !== 0) throw new Error('build failed');
  const database = await benchDatabase('tributary_bench_web');
  const dir = mkdtempSync(join(tmpdir(), 'tributary-web-bench-'));
  try {
    const { db } = database;
    await db.execute(
      sql`insert into sources (id, url, name) values ('seed', 'https://seed.example/feed.xml', 'Seed Wire')`,
    );
    await seedTo(db, 0, STORIES);
    // Entries the size of real articles: about 6 KB of HTML each.
    await db.execute(
      sql`update articles set content_html = repeat('<p>' || text || '</p>', 4), author = 'Desk ' || (id % 50)`,
    );
    await db.execute(
      sql`insert into story_search (story_id, search)
        select id, to_tsvector('english', title || case when id % 100 = 0 then ' missile' else '' end) from stories`,
    );
    const yaml =
      'sources:\n  - { id: seed, url: "https://seed.example/feed.xml", enabled: false }\ntopics:\n  - { id: defense, include: [missile] }\n';
    const parsed = parseConfig(yaml, 'bench.yaml');
    if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
    // Topics matched here, so the web process starts with nothing to re-evaluate.
    await syncSources(db, parsed.config);
    for (const topic of await syncTopics(db, parsed.config)) await reevaluateTopic(db, topic);
    await db.execute(sql`vacuum analyze`);
    await bumpDataVersion(db);
    const [newest] = await queryRows<{ ms: number }>(
      db,
      sql`select (extract(epoch from max(published_at)) * 1000)::float8 as ms from stories`,
    );
    const config = join(dir, 'sources.yaml');
    writeFileSync(config, yaml);

    const web = await startWeb(database.url, config);
    try {
      // Started, topics evaluated, one feed rendered: the process as it idles in production.
      await sleep(3000);
      await (await fetch(`${web.base}/feeds/all.rss`)).arrayBuffer();
      await sleep(1000);
      const baseline = memoryOf(web.pid);
      const statuses = new Map<number, number>();
      let next = 0;
      let bytes = 0;
      let maxRss = baseline.rss;
      const started = Date.now();
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < REQUESTS) {
            const n = next++;
            const response = await fetch(`${web.base}${urlFor(n, Number(newest!.ms))}`);
            bytes += (await response.arrayBuffer()).byteLength;
            statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
            if (n % 250 === 0) maxRss = Math.max(maxRss, memoryOf(web.pid).rss);
          }
        }),
      );
      const seconds = (Date.now() - started) / 1000;
      const after = memoryOf(web.pid);
      const heap = await heapOf(web.base);
      const peak = Math.max(after.peak, maxRss);
      console.log(
        `responses: ${[...statuses].map(([s, c]) => `${c} × ${s}`).join(', ')}; ${(bytes / MB).toFixed(0)} MiB in ${seconds.toFixed(1)} s (${Math.round(REQUESTS / seconds)} req/s)`,
      );
      console.log('| web process | RSS MiB |\n| --- | --- |');
      console.log(`| started, one feed served (baseline) | ${(baseline.rss / MB).toFixed(0)} |`);
      console.log(
        `| after ${REQUESTS.toLocaleString('en')} URLs | ${(after.rss / MB).toFixed(0)} (V8 heap ${(heap.total / MB).toFixed(0)}, of it used ${(heap.used / MB).toFixed(0)}; external ${(heap.external / MB).toFixed(0)}) |`,
      );
      console.log(
        `| peak (VmHWM) | ${(peak / MB).toFixed(0)} (+${((peak - baseline.rss) / MB).toFixed(0)} over baseline) |`,
      );
      const verdict = peak < BUDGET_MB * 1e6 ? 'within' : 'OVER';
      console.log(`peak ${(peak / 1e6).toFixed(0)} MB: ${verdict} the ${BUDGET_MB} MB budget`);
      if (verdict === 'OVER') process.exitCode = 1;
    } finally {
      await web.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await database.close();
  }
}

await main();
