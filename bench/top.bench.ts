// Render time of the top-stories feeds (issue 13) at a million stored articles on the real Postgres server, next to the
// merged feed /feeds/all measured in the same run (1 article a second, so 86,400 in a day; a story in ten is carried by
// 2 to 4 outlets): every request is a render (the data version is bumped before each),
// one request at a time, so the figure is the render path itself (query, views, writer), not throughput.
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { queryRows } from '../src/db/rows.js';
import { buildServer } from '../src/http/server.js';
import { silentLogger } from '../src/log.js';
import { bumpDataVersion } from '../src/storage/data-version.js';
import { createContext } from '../src/worker/context.js';
import { benchDatabase, machine } from './lib/database.js';
import { seedDefenseTopic, seedTo } from './lib/seed.js';

const ARTICLES = Number(process.env.BENCH_TOP_ARTICLES ?? 1_000_000);
const REQUESTS = Number(process.env.BENCH_TOP_REQUESTS ?? 30);

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

async function main() {
  console.log(
    `top-stories benchmark — ${machine()}; ${ARTICLES.toLocaleString('en')} articles on real Postgres, ${REQUESTS} renders per row`,
  );
  const database = await benchDatabase('tributary_bench_top');
  try {
    const { db } = database;
    await db.execute(
      sql`insert into sources (id, url) select s, 'https://' || s || '.example/' from unnest(array['seed','o1','o2','o3']) s`,
    );
    const seeding = Date.now();
    await seedTo(db, 0, ARTICLES);
    // One article a second over the last ~11.6 days (seedTo). In every ten, the three after a story's own article join it
    // from other outlets, fewer of them as the story number grows, so stories are carried by 1 to 4 outlets.
    await db.execute(sql`update articles set story_id = id - id % 10, source_id = 'o' || (id % 10)
      where id > 10 and id % 10 between 1 and 3 and (id / 10) % 4 >= id % 10`);
    await db.execute(
      sql`delete from stories s where s.id > 10 and s.id % 10 between 1 and 3 and (s.id / 10) % 4 >= s.id % 10`,
    );
    // What ingest maintains: the article count, and updated_at at the newest report (here the story's own article).
    await db.execute(sql`update stories set article_count = 1 + (id / 10) % 4 where id % 10 = 0`);
    await db.execute(sql`update stories set updated_at = published_at`);
    const config = await seedDefenseTopic(db, 20);
    await db.execute(sql`vacuum analyze`);
    console.log(`seeded in ${((Date.now() - seeding) / 1000).toFixed(0)} s`);

    const ctx = createContext({ config, configPath: 'bench.yaml', database, log: silentLogger() });
    const app = buildServer(() => ctx, { versionTtlMs: 0 });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const time = async (path: string) => {
      const times: number[] = [];
      let bytes = 0;
      let entries = 0;
      for (let i = 0; i < REQUESTS + 2; i++) {
        await bumpDataVersion(db);
        const started = performance.now();
        const response = await fetch(`${base}${path}`);
        const body = await response.text();
        if (response.status !== 200) throw new Error(`${path}: ${response.status} ${body}`);
        if (i >= 2) times.push(performance.now() - started); // the first two warm the caches
        bytes = body.length;
        entries = (body.match(/<item>/g) ?? []).length;
      }
      times.sort((a, b) => a - b);
      return { p50: quantile(times, 0.5), p90: quantile(times, 0.9), bytes, entries };
    };

    const rows: [string, Awaited<ReturnType<typeof time>>][] = [];
    for (const path of [
      '/feeds/all.rss',
      '/feeds/top.rss',
      '/feeds/top.rss?window=6h',
      '/feeds/top.rss?window=7d',
      '/feeds/top.rss?window=7d&min_outlets=4&limit=50',
      '/feeds/defense/top.rss',
      '/feeds/defense.rss',
    ]) {
      rows.push([path, await time(path)]);
    }
    await app.close();

    const baseline = rows[0]![1];
    console.log(
      '\n| request (every one a render) | entries | p50 ms | p90 ms | p50 vs /feeds/all.rss |\n| --- | --- | --- | --- | --- |',
    );
    for (const [path, r] of rows) {
      console.log(
        `| ${path} | ${r.entries} | ${r.p50.toFixed(1)} | ${r.p90.toFixed(1)} | ${(r.p50 / baseline.p50).toFixed(2)}× |`,
      );
    }
    const inWindow = await queryRows<{ day: string; week: string }>(
      db,
      sql`select
      count(*) filter (where published_at > now() - interval '1 day') as day, count(*) filter (where published_at > now() - interval '7 days') as week from articles`,
    );
    console.log(
      `\narticles in the window: ${Number(inWindow[0]!.day).toLocaleString('en')} in 24h, ${Number(inWindow[0]!.week).toLocaleString('en')} in 7d`,
    );
    const plan = await queryRows<Record<string, string>>(
      db,
      sql`explain (analyze, costs off)
      select s.id, s.article_count, s.updated_at from stories s
      where s.article_count >= 2 and s.updated_at > now() - interval '7 days'
      order by s.article_count desc, s.updated_at desc, s.id desc limit 200`,
    );
    console.log(
      `plan of the first batch of candidates (7d):\n${plan.map((row) => `    ${Object.values(row)[0]}`).join('\n')}`,
    );
  } finally {
    await database.close();
  }
}

await main();
