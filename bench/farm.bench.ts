// Fetching at scale on a syndicated world: 500 outlets × 50 items on 50 hosts (local feed servers on 127.0.0.1), about
// 40 % of items edited copies of another outlet's story (they must merge), every item labeled with its story. Measured
// in one run, next to a ceiling of the same feeds downloaded and parsed by rss-parser at the same concurrency:
// - the first pass of the built CLI (`node dist/cli.js fetch`) in a child process: items/s, its peak RSS over the same
//   command on an empty feed (modules loaded), and precision/recall of the stored stories against the labels;
// - an unchanged second pass (every request must be a 304);
// - 1, 2 and 3 worker processes sharing one Postgres: total throughput, CPU per item (the workers' and, when the server
//   runs on this machine, PostgreSQL's: equal across rows means no work is lost to contention), time waited on
//   story-matching locks per item, and time claims waited for each other (they are serialized) per item;
// - peak RSS of one refresh of a 5,000-item feed, and of a 50 MiB body the cap must refuse.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import Parser from 'rss-parser';
import { sql } from 'drizzle-orm';
import { queryRows } from '../src/db/rows.js';
import { fetchUrl } from '../src/fetcher/http.js';
import { decodeBody } from '../src/parser/decode.js';
import { Limiter } from '../src/util/limiter.js';
import { benchDatabase, machine } from './lib/database.js';
import { runCli } from './lib/cli-child.js';
import { startFarm } from './lib/farm.js';
import type { PassChildResult } from './lib/pass-child.js';
import { refreshInChild } from './lib/refresh-in-child.js';
import { postgresCpuSeconds } from './lib/server-cpu.js';
import type { RefreshOneResult } from './lib/refresh-one.js';
import { makeWorld, pairScores } from './lib/world.js';

const SOURCES = Number(process.env.BENCH_FARM_SOURCES ?? 500);
const ITEMS = Number(process.env.BENCH_FARM_ITEMS ?? 50);
const HOSTS = Math.min(SOURCES, 50);
const WORKERS = (process.env.BENCH_FARM_WORKERS ?? '1,2,3').split(',').filter(Boolean).map(Number);
const CONCURRENCY = 16;
const BIG_ITEMS = 5000;
const BIG_MAX_BYTES = '16MiB';
const HUGE_BYTES = 50 * 2 ** 20;

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const count = (n: number) => Math.round(n).toLocaleString('en');
const mib = (kib: number) => `${(kib / 1024).toFixed(0)} MiB`;
const signed = (kib: number) => `${kib < 0 ? '−' : '+'}${mib(Math.abs(kib))}`;

function check(condition: boolean, message: string) {
  if (!condition) {
    console.error(`CHECK FAILED: ${message}`);
    process.exitCode = 1;
  }
}

/** Download + decode + rss-parser for every source, 16 at a time, storing nothing. */
async function ceiling(urls: string[]): Promise<{ ms: number; items: number }> {
  const limiter = new Limiter(CONCURRENCY);
  const options = { timeoutMs: 30_000, maxBytes: 10 * 2 ** 20, userAgent: 'bench', allowPrivateNetwork: true };
  const started = performance.now();
  const counts = await Promise.all(
    urls.map((url) =>
      limiter.run(async () => {
        const response = await fetchUrl(url, options);
        return (await new Parser().parseString(decodeBody(response.body, response.headers['content-type']))).items
          .length;
      }),
    ),
  );
  return { ms: performance.now() - started, items: counts.reduce((a, b) => a + b, 0) };
}

const yaml = (urls: string[]) =>
  `defaults: { concurrency: ${CONCURRENCY} }\nsources:\n${urls.map((url, i) => `  - { id: w${i}, url: "${url}" }`).join('\n')}\n`;

/** `n` worker processes started together on one fresh database; each runs one scheduled pass. */
async function workers(
  n: number,
  configPath: string,
): Promise<{ ms: number; results: PassChildResult[]; serverCpuS?: number }> {
  const database = await benchDatabase('tributary_bench_farm_workers');
  try {
    // The first process to open the config syncs the sources; do it here so all start on equal terms.
    const first = await runCli(['sources'], { DATABASE_URL: database.url, CONFIG: configPath, LOG_LEVEL: 'error' });
    check(first.code === 0, `sources: ${first.stderr}`);
    // Syncing spreads the first polls over a few seconds; here every source is due now, so each pass finds them all.
    await database.db.execute(sql`update sources set next_fetch_at = now() - interval '1 second'`);
    const children = Array.from({ length: n }, () =>
      spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          new URL('./lib/pass-child.ts', import.meta.url).pathname,
          JSON.stringify({ databaseUrl: database.url, configPath }),
        ],
        { stdio: ['pipe', 'pipe', 'inherit'] },
      ),
    );
    const lines = children.map((child) => createInterface({ input: child.stdout! })[Symbol.asyncIterator]());
    for (const line of lines) check((await line.next()).value === 'ready', 'worker did not start');
    const serverBefore = postgresCpuSeconds();
    const started = performance.now();
    for (const child of children) child.stdin!.write('go\n');
    const results = await Promise.all(
      lines.map(async (line) => JSON.parse(String((await line.next()).value)) as PassChildResult),
    );
    const ms = performance.now() - started;
    const serverAfter = postgresCpuSeconds();
    await Promise.all(children.map((child) => (child.exitCode === null ? once(child, 'exit') : undefined)));
    return {
      ms,
      results,
      serverCpuS: serverBefore !== undefined && serverAfter !== undefined ? serverAfter - serverBefore : undefined,
    };
  } finally {
    await database.close();
  }
}

async function main() {
  console.log(
    `farm benchmark — ${machine()}; ${SOURCES} sources × ${ITEMS} items on ${HOSTS} hosts, syndicated world, concurrency ${CONCURRENCY}, real Postgres`,
  );
  const build = spawnSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit' });
  if (build.status !== 0) throw new Error('build failed');
  const world = makeWorld({ seed: 4242, sources: SOURCES, itemsPerSource: ITEMS, copyRate: 0.4 });
  const farm = await startFarm({
    seed: 4242,
    sources: SOURCES,
    itemsPerSource: ITEMS,
    feeds: world.feeds,
    hosts: HOSTS,
    bigItems: BIG_ITEMS,
    hugeBytes: HUGE_BYTES,
  });
  const dir = mkdtempSync(join(tmpdir(), 'tributary-farm-'));
  const urls = Array.from({ length: SOURCES }, (_, i) => farm.url(i));
  const configPath = join(dir, 'world.yaml');
  writeFileSync(configPath, yaml(urls));
  writeFileSync(join(dir, 'empty.yaml'), yaml([farm.emptyUrl]));
  const total = SOURCES * ITEMS;
  const database = await benchDatabase('tributary_bench_farm');
  try {
    await ceiling(urls);
    const top = await ceiling(urls);
    check(top.items === total, `ceiling parsed ${top.items} items`);
    const ceilingRate = top.items / (top.ms / 1000);

    // The CLI on an empty feed: modules loaded, database opened and migrated, one source fetched. Its time is the
    // fixed cost of a run, taken off the first pass's wall time.
    const base = await benchDatabase('tributary_bench_farm_base');
    const modules = await runCli(['fetch'], {
      DATABASE_URL: base.url,
      CONFIG: join(dir, 'empty.yaml'),
      LOG_LEVEL: 'error',
    });
    await base.close();
    check(modules.code === 0, `empty fetch: ${modules.stderr}`);

    const env = { DATABASE_URL: database.url, CONFIG: configPath, LOG_LEVEL: 'error' };
    farm.resetStats();
    const first = await runCli(['fetch'], env);
    check(
      first.code === 0 && first.stdout.includes(`${SOURCES} sources, ${total} new items, 0 failed`),
      `first pass: ${first.stdout.split('\n').at(-2)} ${first.stderr}`,
    );
    const firstRate = total / ((first.ms - modules.ms) / 1000);
    const rows = await queryRows<{ source_id: string; guid: string; story_id: string | number }>(
      database.db,
      sql`select source_id, guid, story_id from articles`,
    );
    const assigned = rows.map((r) => ({
      label: world.labels.get(`${r.source_id.slice(1)}\n${r.guid}`) ?? -1,
      story: Number(r.story_id),
    }));
    check(
      assigned.every((a) => a.label >= 0),
      'stored items missing from the labels',
    );
    const scores = pairScores(assigned);
    const storyCount = new Set(assigned.map((a) => a.story)).size;

    farm.resetStats();
    const second = await runCli(['fetch'], env);
    check(
      second.code === 0 && second.stdout.includes(`${SOURCES} sources, 0 new items, 0 failed`),
      `second pass: ${second.stdout.split('\n').at(-2)}`,
    );
    const secondRequests = { ...farm.stats };
    check(
      secondRequests.notModified === SOURCES,
      `second pass: ${secondRequests.notModified} of ${secondRequests.requests} answered 304`,
    );

    const scale: ({ n: number } & Awaited<ReturnType<typeof workers>>)[] = [];
    for (const n of WORKERS) scale.push({ n, ...(await workers(n, configPath)) });

    const baseline = await refreshInChild(database.url, 'baseline');
    const big = await refreshInChild(database.url, 'big', farm.bigUrl, BIG_MAX_BYTES);
    const hugeStreamed = await refreshInChild(database.url, 'huge-streamed', farm.hugeUrl);
    const hugeDeclared = await refreshInChild(database.url, 'huge-declared', `${farm.hugeUrl}?length`);
    check(big.ok === true && big.added === BIG_ITEMS, `5,000-item feed: ${JSON.stringify(big)}`);
    for (const huge of [hugeStreamed, hugeDeclared])
      check(huge.ok === false && /too large/.test(huge.error ?? ''), `50 MiB body: ${JSON.stringify(huge)}`);

    console.log(
      `world: ${SOURCES} feeds on ${HOSTS} hosts, ${count(farm.sourceBytes / SOURCES / 1024)} KiB each; ${count(total)} items, ` +
        `${count(world.copies)} of them syndicated copies (${((world.copies / total) * 100).toFixed(0)} %) of ${count(world.stories)} stories`,
    );
    console.log(
      '\n| measurement | wall | items/s | vs ceiling | peak RSS | notes |\n| --- | --- | --- | --- | --- | --- |',
    );
    console.log(
      `| ceiling: download + decode + rss-parser, ${CONCURRENCY} at a time | ${seconds(top.ms)} | ${count(ceilingRate)} | 1 | — | ${count(top.items)} items |`,
    );
    console.log(
      `| \`tributary fetch\` on an empty feed (modules loaded) | ${seconds(modules.ms)} | — | — | ${mib(modules.peakRssKiB)} | fixed cost of a run |`,
    );
    console.log(
      `| first pass, \`tributary fetch\` | ${seconds(first.ms)} | ${count(firstRate)} | ${(firstRate / ceilingRate).toFixed(3)}× | ` +
        `${mib(first.peakRssKiB)} (${signed(first.peakRssKiB - modules.peakRssKiB)}) | ${count(storyCount)} stories; items/s over wall − fixed cost |`,
    );
    console.log(
      `| second pass, nothing changed | ${seconds(second.ms)} | — | — | ${mib(second.peakRssKiB)} | ${secondRequests.notModified} of ${secondRequests.requests} answered 304 |`,
    );
    console.log(
      `\ndedup against the labels: precision ${scores.precision.toFixed(4)}, recall ${scores.recall.toFixed(4)} ` +
        `(${count(scores.falseMerges)} falsely merged pairs, ${count(scores.missed)} missed pairs); stories stored ${count(storyCount)}, expected ${count(world.stories)}`,
    );
    console.log(
      '\n| worker processes | wall | items/s | vs 1 worker | CPU per item: workers + PostgreSQL | lock wait per item | lock waits | claim wait per item | failed |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    );
    const rate1 = scale[0] ? scale[0].results.reduce((n, r) => n + r.added, 0) / (scale[0].ms / 1000) : 1;
    for (const { n, ms, results, serverCpuS } of scale) {
      const added = results.reduce((sum, r) => sum + r.added, 0);
      const wait = results.reduce((sum, r) => sum + r.lockWaitSeconds, 0);
      check(added === total, `${n} workers stored ${added}`);
      const rate = added / (ms / 1000);
      const workerCpu = results.reduce((sum, r) => sum + r.cpuMs, 0) / added;
      const serverCpu = serverCpuS === undefined ? undefined : (serverCpuS * 1000) / added;
      const cpu =
        serverCpu === undefined
          ? `${workerCpu.toFixed(2)} ms + ?`
          : `${workerCpu.toFixed(2)} + ${serverCpu.toFixed(2)} = ${(workerCpu + serverCpu).toFixed(2)} ms`;
      console.log(
        `| ${n} | ${seconds(ms)} | ${count(rate)} | ${(rate / rate1).toFixed(2)}× | ${cpu} | ${((wait / added) * 1000).toFixed(2)} ms | ` +
          `${count(results.reduce((sum, r) => sum + r.lockWaits, 0))} | ` +
          `${((results.reduce((sum, r) => sum + r.claimWaitSeconds, 0) / added) * 1000).toFixed(2)} ms | ` +
          `${results.reduce((sum, r) => sum + r.failed, 0)} |`,
      );
    }
    console.log('\n| child process | peak RSS | over baseline | outcome |\n| --- | --- | --- | --- |');
    console.log(`| modules loaded, nothing else | ${mib(baseline.maxRssKiB)} | — | — |`);
    const row = (label: string, r: RefreshOneResult, outcome: string) =>
      console.log(`| ${label} | ${mib(r.maxRssKiB)} | ${signed(r.maxRssKiB - baseline.maxRssKiB)} | ${outcome} |`);
    row(
      `refresh one ${count(BIG_ITEMS)}-item feed (${(farm.bigBytes / 2 ** 20).toFixed(1)} MiB, maxBytes ${BIG_MAX_BYTES})`,
      big,
      `${big.added} new in ${seconds(big.ms ?? 0)}; event loop held ≤ ${Math.round(big.longestBlockMs ?? 0)} ms at a time`,
    );
    row(
      '50 MiB body, chunked (no Content-Length)',
      hugeStreamed,
      `refused: ${hugeStreamed.error} (${seconds(hugeStreamed.ms ?? 0)})`,
    );
    row(
      '50 MiB body with Content-Length',
      hugeDeclared,
      `refused: ${hugeDeclared.error} (${seconds(hugeDeclared.ms ?? 0)})`,
    );
  } finally {
    await database.close();
    await farm.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
