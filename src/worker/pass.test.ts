import type { ServerResponse } from 'node:http';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/client.js';
import { sources, stories } from '../db/schema.js';
import { rss, rssItem } from '../../test/fixtures/bad-sources.js';
import { contextFromYaml } from '../../test/helpers/context.js';
import { testDatabases } from '../../test/helpers/database.js';
import { startFixtureServer, type FixtureServer } from '../../test/helpers/fixture-server.js';
import { until } from '../../test/helpers/until.js';
import { ingestBudget, leaseMs, refreshDeadlineMs, runPass, type PassResult } from './pass.js';

const RSS = { 'content-type': 'application/rss+xml' };
const feedOf = (id: string) => rss(id, rssItem(`${id}-1`, `Story ${id} about the pass of a worker`));

describe.each(testDatabases())('a pass on $name', (testDb) => {
  let database: Database;
  let feeds: FixtureServer;
  /** Requests to /held/* wait here until the test answers them. */
  let held: { path: string; res: ServerResponse }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;

  beforeAll(async () => {
    database = await testDb.open();
    feeds = await startFixtureServer();
  });
  afterAll(async () => {
    await database?.close();
    await feeds?.close();
  });
  afterEach(async () => {
    for (const { res } of held) res.destroy();
    held = [];
    feeds.routes.clear();
    feeds.hits.clear();
    // Each test starts empty (stories outlive the sources whose articles made them).
    await database.db.delete(sources);
    await database.db.delete(stories);
  });

  /** Sources s0…s{n-1}, each served by a route that counts how many requests are open at once. */
  const setUp = async (count: number, defaults = 'concurrency: 2, perHostConcurrency: 32') => {
    inFlight = 0;
    maxInFlight = 0;
    for (let i = 0; i < count; i++) {
      feeds.routes.set(`/held/s${i}.xml`, (req, res) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        res.on('close', () => inFlight--);
        held.push({ path: req.url!, res });
      });
    }
    const list = Array.from({ length: count }, (_, i) => `  - { id: s${i}, url: "${feeds.url}/held/s${i}.xml" }`).join(
      '\n',
    );
    return contextFromYaml(`defaults: { ${defaults} }\nsources:\n${list}\n`, database);
  };
  /** Answers held requests as they arrive until `count` have been answered. */
  const answerAll = async (count: number) => {
    for (let answered = 0; answered < count;) {
      const next = await until('a request to answer', () => held.shift());
      next.res.writeHead(200, RSS).end(feedOf(next.path.slice(6, -4)));
      answered++;
    }
  };

  it('keeps at most `concurrency` sources in flight, claiming more as slots free up, and reports each once', async () => {
    const ctx = await setUp(5);
    const seen: PassResult[] = [];
    const claims: number[] = [];
    const pass = runPass(ctx, { force: true, onResult: (r) => seen.push(r), onClaim: (n) => claims.push(n) });
    await answerAll(5);
    const results = await pass;
    expect(maxInFlight).toBe(2);
    expect(results.map((r) => r.sourceId).sort()).toEqual(['s0', 's1', 's2', 's3', 's4']);
    expect(results.every((r) => r.outcome.ok)).toBe(true);
    expect(seen).toEqual(results);
    expect(claims.at(-1)).toBe(5);
    expect(claims).toEqual([...claims].sort((a, b) => a - b));
  });

  it('a scheduled pass takes only due sources; a named one takes those named, once each', async () => {
    const ctx = await setUp(3);
    await database.db
      .update(sources)
      .set({ nextFetchAt: new Date(Date.now() + 3_600_000) })
      .where(eq(sources.id, 's1'));
    const scheduled = runPass(ctx);
    await answerAll(2);
    expect((await scheduled).map((r) => r.sourceId).sort()).toEqual(['s0', 's2']);
    // All three are now not due; naming one refreshes it anyway, and only once.
    const named = runPass(ctx, { ids: ['s1'] });
    await answerAll(1);
    expect((await named).map((r) => r.sourceId)).toEqual(['s1']);
    expect(feeds.hits.get('/held/s1.xml')).toBe(1);
    expect(await runPass(ctx)).toEqual([]);
  });

  it('on stop claims nothing more and lets the sources in flight finish', async () => {
    const ctx = await setUp(4);
    const stop = new AbortController();
    const pass = runPass(ctx, { force: true, stop: stop.signal });
    await until('two requests in flight', () => (held.length === 2 ? true : undefined));
    stop.abort();
    await answerAll(2);
    const results = await pass;
    expect(results).toHaveLength(2);
    expect(results.map((r) => r.outcome)).toEqual([
      expect.objectContaining({ ok: true }),
      expect.objectContaining({ ok: true }),
    ]);
    expect(feeds.hits.size).toBe(2);
  });

  it('on abort abandons the requests in flight and leaves their sources untouched for the next pass', async () => {
    const ctx = await setUp(2);
    const stop = new AbortController();
    const abort = new AbortController();
    const pass = runPass(ctx, { force: true, stop: stop.signal, abort: abort.signal });
    await until('both requests in flight', () => (held.length === 2 ? true : undefined));
    stop.abort();
    abort.abort();
    await pass;
    const rows = await database.db.select().from(sources);
    expect(rows.map((r) => [r.id, r.lastAttemptAt, r.consecutiveFailures])).toEqual(
      expect.arrayContaining([
        ['s0', null, 0],
        ['s1', null, 0],
      ]),
    );
  });

  it('parses a document only when the bytes in flight allow it, and gives them back whether it was stored or not', async () => {
    feeds.routes.set('/good.xml', (_req, res) => res.writeHead(200, RSS).end(feedOf('good')));
    feeds.routes.set('/other.xml', (_req, res) => res.writeHead(200, RSS).end(feedOf('other')));
    feeds.routes.set('/broken.xml', (_req, res) => res.writeHead(200, RSS).end('<rss><channel><item><title>cut'));
    const ids = ['good', 'other', 'broken'];
    const ctx = await contextFromYaml(
      `defaults: { perHostConcurrency: 32 }\nsources:\n${ids.map((id) => `  - { id: ${id}, url: "${feeds.url}/${id}.xml" }`).join('\n')}\n`,
      database,
    );
    // Something else holds the whole budget: the three are downloaded, then wait.
    const release = await ingestBudget.acquire(ingestBudget.limit);
    const finished: string[] = [];
    const pass = runPass(ctx, { force: true, onResult: (r) => finished.push(r.sourceId) });
    await until('the three downloaded and waiting for room', () => (ingestBudget.waiters === 3 ? true : undefined));
    expect(finished).toEqual([]);
    release();
    const results = await pass;
    expect(results.map((r) => [r.sourceId, r.outcome.ok]).sort()).toEqual([
      ['broken', false],
      ['good', true],
      ['other', true],
    ]);
    expect(ingestBudget.inUse).toBe(0);
  });

  it('skips a claimed source that is no longer in the configuration', async () => {
    const ctx = await setUp(2);
    const trimmed = { ...ctx, config: { ...ctx.config, sources: ctx.config.sources.filter((s) => s.id !== 's1') } };
    const pass = runPass(trimmed, { force: true });
    await answerAll(1);
    expect((await pass).map((r) => r.sourceId)).toEqual(['s0']);
    expect(feeds.hits.get('/held/s1.xml')).toBeUndefined();
  });

  it('leases a source for three times its longest timeout plus a minute, and abandons a refresh at 80 % of that', async () => {
    const ctx = await setUp(1, 'timeout: 20s');
    expect(leaseMs(ctx)).toBe(120_000);
    expect(refreshDeadlineMs(ctx)).toBe(96_000);
    const slow = await contextFromYaml(
      `sources:\n  - { id: slow, url: "${feeds.url}/x.xml", timeout: 40s }\n`,
      database,
    );
    expect(leaseMs(slow)).toBe(180_000);
    expect(leaseMs({ ...slow, leaseMs: 5_000 })).toBe(5_000);
  });
});
