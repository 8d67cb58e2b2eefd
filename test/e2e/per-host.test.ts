import { getEventListeners } from 'node:events';
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { sources } from '../../src/db/schema.js';
import { createContext, type AppContext } from '../../src/worker/context.js';
import { runPass } from '../../src/worker/pass.js';
import { rssItem } from '../fixtures/bad-sources.js';
import { contextFromYaml } from '../helpers/context.js';
import { testDatabases } from '../helpers/database.js';
import { startFixtureServer, type FixtureServer } from '../helpers/fixture-server.js';

describe.each(testDatabases())('per-host limit on $name', (testDb) => {
  let feeds: FixtureServer;
  let database: Database;
  let inFlight = 0;
  let maxInFlight = 0;

  const slow = (i: number) => (_req: unknown, res: ServerResponse) => {
    maxInFlight = Math.max(maxInFlight, ++inFlight);
    setTimeout(() => {
      inFlight--;
      res
        .writeHead(200, { 'content-type': 'application/rss+xml' })
        .end(
          `<rss version="2.0"><channel><title>H${i}</title>${rssItem(`h${i}`, `Host item ${i} about convoy logistics ${i * 17}`)}</channel></rss>`,
        );
    }, 300);
  };

  beforeAll(async () => {
    feeds = await startFixtureServer({
      ...Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`/h/${i}.xml`, slow(i)])),
      '/busy.xml': { status: 503, headers: { 'retry-after': '600' }, body: 'later' },
    });
    database = await testDb.open();
  });

  afterAll(async () => {
    await database?.close();
    await feeds?.close();
  });

  it('two workers together never have more than perHostConcurrency requests in flight to one host', async () => {
    const yaml = `defaults: { concurrency: 16, perHostConcurrency: 2 }\nsources:\n  - { id: busy, url: "${feeds.url}/busy.xml" }\n${Array.from(
      { length: 10 },
      (_, i) => `  - { id: h${i}, url: "${feeds.url}/h/${i}.xml" }`,
    ).join('\n')}\n`;
    const one: AppContext = await contextFromYaml(yaml, database);
    const two = createContext({ ...one, workerId: 'second-worker' });
    await database.db.update(sources).set({ nextFetchAt: new Date(Date.now() - 1000) });
    const started = Date.now();
    // Scheduled passes (due sources only), as the workers' ticks run them, with the signals a worker keeps for life.
    const stop = new AbortController();
    const abandon = new AbortController();
    const signals = { stop: stop.signal, abort: abandon.signal };
    const [a, b] = await Promise.all([runPass(one, signals), runPass(two, signals)]);
    const elapsed = Date.now() - started;
    // Each pass and request listens to those signals; a listener left behind each time would pile up over months.
    expect(getEventListeners(stop.signal, 'abort')).toHaveLength(0);
    expect(getEventListeners(abandon.signal, 'abort')).toHaveLength(0);

    expect(maxInFlight).toBe(2);
    const fetched = [...a, ...b].map((r) => r.sourceId).sort();
    expect(fetched).toEqual(['busy', ...Array.from({ length: 10 }, (_, i) => `h${i}`)].sort());
    // 10 slow answers two at a time take five rounds; the 503 took a slot only for its own short answer.
    expect(elapsed).toBeGreaterThanOrEqual(5 * 300);
    expect([...a, ...b].find((r) => r.sourceId === 'busy')!.outcome).toMatchObject({ ok: false, status: 503 });
  });
});
