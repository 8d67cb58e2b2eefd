import type { ServerResponse } from 'node:http';
import { parseConfig } from '../config/load.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/client.js';
import { sources } from '../db/schema.js';
import { syncSources } from '../storage/sources.js';
import { rss, rssItem } from '../../test/fixtures/bad-sources.js';
import { contextFromYaml } from '../../test/helpers/context.js';
import { testDatabases } from '../../test/helpers/database.js';
import { startFixtureServer, type FixtureServer } from '../../test/helpers/fixture-server.js';
import { until } from '../../test/helpers/until.js';
import { createContext, type AppContext } from './context.js';
import { cronEvery, startScheduler } from './scheduler.js';

const RSS = { 'content-type': 'application/rss+xml' };

describe('cronEvery', () => {
  it('turns a tick of 1–59 s into a seconds cron expression, and refuses anything else', () => {
    expect(cronEvery(1)).toBe('* * * * * *');
    expect(cronEvery(10)).toBe('*/10 * * * * *');
    for (const bad of [0, 60, 1.5]) expect(() => cronEvery(bad)).toThrow(/1–59 seconds/);
  });
});

describe.each(testDatabases())('the scheduler on $name', (testDb) => {
  let database: Database;
  let feeds: FixtureServer;
  const held: ServerResponse[] = [];

  beforeAll(async () => {
    database = await testDb.open();
    feeds = await startFixtureServer({
      '/a.xml': { headers: RSS, body: rss('A', rssItem('a-1', 'Scheduler test feed A reports a convoy')) },
      '/b.xml': { headers: RSS, body: rss('B', rssItem('b-1', 'Scheduler test feed B reports a launch')) },
      '/hang.xml': (_req, res) => {
        held.push(res);
      },
    });
  });
  afterAll(async () => {
    for (const res of held) res.destroy();
    await database?.close();
    await feeds?.close();
  });

  const withSources = async (ctx: AppContext, ...ids: string[]) => {
    const parsed = parseConfig(
      `sources:\n${ids.map((id) => `  - { id: ${id}, url: "${feeds.url}/${id}.xml" }`).join('\n')}\n`,
      'test.yaml',
    );
    if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
    await syncSources(database.db, parsed.config);
    return createContext({ ...ctx, config: parsed.config });
  };

  it('runs a pass at start, and a poke starts the next one at once with the current context', async () => {
    let ctx = await contextFromYaml(`sources:\n  - { id: a, url: "${feeds.url}/a.xml" }\n`, database);
    // The longest tick (cron fires at :00 and :59 only), so the passes here are the first one and the poke.
    const scheduler = startScheduler(() => ctx, 59);
    try {
      await until('the first pass', () => feeds.hits.get('/a.xml'));
      await scheduler.idle();
      ctx = await withSources(ctx, 'a', 'b');
      scheduler.poke();
      // The poke started a pass synchronously: idle() waits for it, and it has fetched the new source.
      await scheduler.idle();
      expect(feeds.hits.get('/b.xml')).toBe(1);
      // `a` is not due again, so it was not fetched a second time.
      expect(feeds.hits.get('/a.xml')).toBe(1);
    } finally {
      await scheduler.stop(0);
    }
  });

  it('on stop waits for the pass up to the deadline, then abandons it and gives back its leases', async () => {
    await database.db.delete(sources);
    const ctx = await withSources(await contextFromYaml('sources: []\n', database), 'hang');
    const scheduler = startScheduler(() => ctx, 59);
    await until('the hanging request', () => (held.length === 1 ? true : undefined));
    expect(await scheduler.stop(50)).toEqual({ abandoned: true });
    const [row] = await database.db.select().from(sources);
    expect(row).toMatchObject({ id: 'hang', leaseOwner: null, leaseUntil: null, lastAttemptAt: null });
  });

  it('keeps more refreshes in flight than EventTarget warns about without a listener-leak warning', async () => {
    await database.db.delete(sources);
    held.length = 0;
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
    process.on('warning', onWarning);
    const count = 14;
    const yaml =
      `defaults: { concurrency: 16, perHostConcurrency: 16 }\nsources:\n` +
      Array.from({ length: count }, (_, i) => `  - { id: h${i}, url: "${feeds.url}/hang.xml?i=${i}" }`).join('\n');
    const ctx = await contextFromYaml(`${yaml}\n`, database);
    await syncSources(database.db, ctx.config);
    // Syncing spreads first polls over a few seconds: make all due now, so the first pass takes every one.
    await database.db.update(sources).set({ nextFetchAt: new Date(Date.now() - 1000) });
    const scheduler = startScheduler(() => ctx, 59);
    try {
      await until('every request in flight', () => (held.length === count ? true : undefined));
      // Warnings are emitted on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.filter((w) => w.startsWith('MaxListenersExceededWarning'))).toEqual([]);
    } finally {
      process.off('warning', onWarning);
      await scheduler.stop(50);
    }
  });

  it('on stop with nothing in flight abandons nothing', async () => {
    await database.db.delete(sources);
    const ctx = await contextFromYaml('sources: []\n', database);
    const scheduler = startScheduler(() => ctx, 59);
    await scheduler.idle();
    expect(await scheduler.stop(0)).toEqual({ abandoned: false });
  });
});
