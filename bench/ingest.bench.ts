// Per-item ingest cost (normalize + sanitize + dedup + store) with 10 k and with 1 M articles already stored, on the
// real Postgres server, next to parse-only on the same items. The near-duplicate lookup must stay flat.
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import { planMatches } from '../src/dedup/plan.js';
import { sketchArticles } from '../src/dedup/sketch.js';
import { parseFeed } from '../src/parser/parse.js';
import { normalizeFeed, type NormalizedArticle } from '../src/processor/normalize.js';
import { storeArticles } from '../src/storage/articles.js';
import { lookupCandidates } from '../src/storage/candidates.js';
import { benchDatabase, machine } from './lib/database.js';
import { makeFeeds } from './lib/feeds.js';
import { seedTo } from './lib/seed.js';

const SIZES = (process.env.BENCH_INGEST_SIZES ?? '10000,1000000').split(',').map(Number);
const ITEMS = Number(process.env.BENCH_INGEST_ITEMS ?? 2000);
const PER_FEED = 50;

async function parseAll(feeds: string[]): Promise<{ ms: number; items: NormalizedArticle[][] }> {
  const started = performance.now();
  const parsed = [];
  for (const xml of feeds) parsed.push(await parseFeed(xml));
  const ms = performance.now() - started;
  return {
    ms,
    items: parsed.map((feed) => normalizeFeed(feed, { feedUrl: 'https://bench.example/rss', now: new Date() })),
  };
}

async function main() {
  console.log(
    `ingest benchmark — ${machine()}; ${ITEMS} new items per measurement, ${PER_FEED} per feed, real Postgres`,
  );
  const database = await benchDatabase('tributary_bench_ingest');
  const { db } = database;
  try {
    await db.execute(
      sql`insert into sources (id, url) values ('seed', 'https://seed.example/'), ('bench', 'https://bench.example/')`,
    );
    let stored = 0;
    const rows: string[][] = [];
    const lookups: number[] = [];
    for (const [round, size] of SIZES.entries()) {
      const seedStarted = performance.now();
      await seedTo(db, stored, size);
      const seedSeconds = (performance.now() - seedStarted) / 1000;
      stored = size;
      const { feeds, copies } = makeFeeds(1000 + round, ITEMS, PER_FEED);
      const parse = await parseAll(feeds);
      const parseRate = ITEMS / (parse.ms / 1000);

      // Near-duplicate lookup alone, on items not stored: the index probe plus verification of candidates.
      const probe = sketchArticles(parse.items.flat().slice(0, 300));
      let started = performance.now();
      for (const item of probe) {
        const { exact, candidates } = await lookupCandidates(db, [item]);
        planMatches(
          [{ canonicalUrl: item.canonicalUrl, contentHash: item.contentHash, ...item.sketch }],
          exact,
          candidates,
        );
      }
      const lookupMs = (performance.now() - started) / probe.length;
      lookups.push(lookupMs);

      started = performance.now();
      const pipeline = await parseAll(feeds);
      const normalizeRate = ITEMS / ((performance.now() - started) / 1000);
      started = performance.now();
      let merged = 0;
      for (const items of pipeline.items)
        merged += (await storeArticles(db, { id: 'bench', tags: [] }, sketchArticles(items), [])).merged;
      const storeMs = performance.now() - started;
      const ingestRate = ITEMS / ((storeMs + (ITEMS / normalizeRate) * 1000) / 1000);
      stored += ITEMS;
      rows.push([
        size.toLocaleString('en'),
        `${seedSeconds.toFixed(0)} s`,
        `${Math.round(parseRate)}`,
        `${Math.round(normalizeRate)}`,
        `${(storeMs / ITEMS).toFixed(2)} ms`,
        `${Math.round(ingestRate)}`,
        `${((ingestRate / parseRate) * 100).toFixed(1)} %`,
        `${lookupMs.toFixed(2)} ms`,
        `${merged} of ${copies} copies`,
      ]);
    }
    const header = [
      'stored before',
      'seeding',
      'parse-only items/s',
      'parse+normalize items/s',
      'store per item',
      'ingest items/s',
      'ingest/parse',
      'near-dup lookup',
      'merged',
    ];
    console.log(`| ${header.join(' | ')} |\n|${header.map(() => ' --- ').join('|')}|`);
    for (const row of rows) console.log(`| ${row.join(' | ')} |`);
    if (lookups.length === 2)
      console.log(
        `near-dup lookup at ${SIZES[1]!.toLocaleString('en')} / at ${SIZES[0]!.toLocaleString('en')}: ${(lookups[1]! / lookups[0]!).toFixed(2)}×`,
      );
  } finally {
    await database.close();
  }
}

await main();
