// Feed serving under load, with many articles stored on the real Postgres server: requests/s and p99 for the merged
// feed, a topic feed, conditional requests (304), uncached renders and a full-text search, next to a node:http
// server sending the same bytes from memory, measured in the same run by autocannon in a separate process.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { buildServer } from '../src/http/server.js';
import { silentLogger } from '../src/log.js';
import { bumpDataVersion } from '../src/storage/data-version.js';
import { createContext } from '../src/worker/context.js';
import { benchDatabase, machine } from './lib/database.js';
import { seedDefenseTopic, seedTo } from './lib/seed.js';

const ARTICLES = Number(process.env.BENCH_HTTP_ARTICLES ?? 1_000_000);
const SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 10);
const CONNECTIONS = 32;

interface Load {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

/** Runs the load generator as a child process; asynchronously, since the servers under test live in this one. */
async function load(url: string, extra: { headers?: Record<string, string>; vary?: boolean } = {}): Promise<Load> {
  const { stdout: out } = await promisify(execFile)(
    process.execPath,
    [
      '--import',
      'tsx',
      new URL('./lib/load.ts', import.meta.url).pathname,
      JSON.stringify({ url, seconds: SECONDS, connections: CONNECTIONS, ...extra }),
    ],
    { encoding: 'utf8' },
  );
  return JSON.parse(out.trim().split('\n').at(-1)!) as Load;
}

async function main() {
  console.log(
    `http benchmark — ${machine()}; ${ARTICLES.toLocaleString('en')} articles on real Postgres, ${CONNECTIONS} connections, ${SECONDS} s per row`,
  );
  const database = await benchDatabase('tributary_bench_http');
  try {
    const { db } = database;
    await db.execute(sql`insert into sources (id, url) values ('seed', 'https://seed.example/')`);
    await seedTo(db, 0, ARTICLES);
    // Searchable text for every story, one story in a thousand about hypersonic missiles, one in ten in the topic.
    await db.execute(sql`update stories set title = 'Hypersonic missile test ' || id where id % 1000 = 0`);
    await db.execute(
      sql`insert into story_search (story_id, search) select id, to_tsvector('english', title) from stories`,
    );
    const config = await seedDefenseTopic(db, 10);
    await db.execute(sql`vacuum analyze`);
    await bumpDataVersion(db);

    const ctx = createContext({ config, configPath: 'bench.yaml', database, log: silentLogger() });
    const app = buildServer(() => ctx);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    // The baseline: a node:http server sending the very bytes of each measured feed from memory.
    const bodies = new Map<string, Buffer>();
    for (const path of ['/feeds/all.rss', '/feeds/defense.atom'])
      bodies.set(path, Buffer.from(await (await fetch(`${base}${path}`)).arrayBuffer()));
    const etag = (await fetch(`${base}/feeds/all.rss`)).headers.get('etag')!;
    const staticServer = createServer((req, res) =>
      res.writeHead(200, { 'content-type': 'application/xml; charset=utf-8' }).end(bodies.get(req.url ?? '')),
    );
    await new Promise<void>((resolve) => staticServer.listen(0, '127.0.0.1', resolve));
    const staticBase = `http://127.0.0.1:${(staticServer.address() as AddressInfo).port}`;

    const rows: [string, Load, Load?][] = [];
    rows.push([
      '/feeds/all.rss (cached)',
      await load(`${base}/feeds/all.rss`),
      await load(`${staticBase}/feeds/all.rss`),
    ]);
    rows.push([
      '/feeds/defense.atom (cached)',
      await load(`${base}/feeds/defense.atom`),
      await load(`${staticBase}/feeds/defense.atom`),
    ]);
    rows.push([
      '/feeds/all.rss If-None-Match → 304',
      await load(`${base}/feeds/all.rss`, { headers: { 'if-none-match': etag } }),
    ]);
    rows.push(['/feeds/all.rss uncached render', await load(`${base}/feeds/all.rss`, { vary: true })]);
    rows.push([
      '/feeds/all.json?q=hypersonic uncached',
      await load(`${base}/feeds/all.json?q=hypersonic`, { vary: true }),
    ]);
    await app.close();
    staticServer.close();

    const reference = rows[0]![2]!;
    console.log(
      `feed bodies: ${[...bodies].map(([path, b]) => `${path} ${b.length.toLocaleString('en')} bytes`).join(', ')} (50 entries each)`,
    );
    console.log(
      '| request | req/s | p50 ms | p99 ms | static, same bytes: req/s | vs static | non-2xx |\n| --- | --- | --- | --- | --- | --- | --- |',
    );
    for (const [label, r, own] of rows) {
      const baseline = own ?? reference;
      console.log(
        `| ${label} | ${Math.round(r.requestsPerSecond)} | ${r.p50} | ${r.p99} | ${Math.round(baseline.requestsPerSecond)}${own ? '' : ' (all.rss bytes)'} | ` +
          `${(r.requestsPerSecond / baseline.requestsPerSecond).toFixed(2)}× | ${r.non2xx + r.errors} |`,
      );
    }
  } finally {
    await database.close();
  }
}

await main();
