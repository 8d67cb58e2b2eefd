import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client.js';
import { buildServer } from '../../src/http/server.js';
import type { AppContext } from '../../src/worker/context.js';
import { articles, sources } from '../../src/db/schema.js';
import { LIMITS } from '../../src/processor/limits.js';
import { listSources, sourceStatus, type SourceRow } from '../../src/storage/sources.js';
import { runPass } from '../../src/worker/pass.js';
import { startScheduler, type Scheduler } from '../../src/worker/scheduler.js';
import { rss, rssItem } from '../fixtures/bad-sources.js';
import { CDATA_TITLES, hostileSourceRoutes } from '../fixtures/hostile.js';
import { contextFromYaml } from '../helpers/context.js';
import { freshPostgresUrl, testDatabases } from '../helpers/database.js';
import { startTributary } from '../helpers/process.js';
import { missingPostgres, postgresAdminUrl } from '../helpers/requirements.js';
import { startFixtureServer, type FixtureServer } from '../helpers/fixture-server.js';
import { until } from '../helpers/until.js';

const HOSTILE = ['comment-only', 'nested', 'cdata', 'nul', 'million', 'refused'];

/**
 * Hostile sources next to a good one, run by the real scheduler: none of them may stop the worker, and the good source
 * must be polled again when it falls due while they (and a source whose server holds its response) are in flight.
 */
describe.each(testDatabases())('hostile sources on $name', (testDb) => {
  let feeds: FixtureServer;
  let database: Database;
  let scheduler: Scheduler | undefined;
  /** Responses the held route has not answered yet. */
  const held: ServerResponse[] = [];
  let goodPollsWhileHeld = 0;
  let heldInFlightAtSecondPoll = false;
  let stopped: { abandoned: boolean } | undefined;
  let rows: Map<string, SourceRow & { articleCount: number }>;
  let ctx: AppContext;

  const hits = (path: string) => feeds.hits.get(path) ?? 0;
  const stored = async (sourceId: string) =>
    database.db.select().from(articles).where(eq(articles.sourceId, sourceId)).orderBy(articles.guid);

  beforeAll(async () => {
    feeds = await startFixtureServer({
      ...hostileSourceRoutes(),
      '/refused.xml': {
        headers: { 'content-type': 'application/rss+xml' },
        body: rss('Refused', rssItem('pill-1', 'Poison pill')),
      },
      '/held.xml': (_req, res) => {
        held.push(res);
      },
    });
    database = await testDb.open();
    // The database itself refuses one item: its failure must still be recorded in the source's health.
    await database.db.execute(sql`alter table articles add constraint refuse_poison check (title <> 'Poison pill')`);
    const url = (path: string) => `"${feeds.url}${path}"`;
    ctx = await contextFromYaml(
      `defaults: { concurrency: 16, perHostConcurrency: 16 }
sources:
  - { id: good, url: ${url('/good.xml')} }
  - { id: comment-only, url: ${url('/comment-only.xml')} }
  - { id: nested, url: ${url('/nested.xml')} }
  - { id: cdata, url: ${url('/cdata.xml')} }
  - { id: nul, url: ${url('/nul.json')} }
  - { id: million, url: ${url('/million.xml')}, maxBytes: 64MiB, maxItems: 1000 }
  - { id: refused, url: ${url('/refused.xml')} }
  - { id: held, url: ${url('/held.xml')}, timeout: 60s }
`,
      database,
    );
    scheduler = startScheduler(() => ctx, 1);
    await until(
      'the good source recorded and the held one in flight',
      async () => {
        const [good] = await database.db.select().from(sources).where(eq(sources.id, 'good'));
        return good?.lastSuccessAt && held.length === 1 ? true : undefined;
      },
      60_000,
    );
    // Its interval has passed (intervals are minutes; the test moves its due time instead of waiting).
    await database.db.update(sources).set({ nextFetchAt: new Date() }).where(eq(sources.id, 'good'));
    await until('the good source polled again', () => (hits('/good.xml') >= 2 ? true : undefined), 60_000);
    goodPollsWhileHeld = hits('/good.xml');
    heldInFlightAtSecondPoll = held.length === 1 && !held[0]!.writableEnded;
    await until(
      'every hostile source recorded',
      async () => {
        const list = await listSources(database.db);
        return HOSTILE.every((id) => list.find((s) => s.id === id)?.lastAttemptAt) ? true : undefined;
      },
      120_000,
    );
    // Shutdown while the held source is still in flight: abandoned at the deadline, not awaited.
    stopped = await scheduler.stop(500);
    rows = new Map((await listSources(database.db)).map((s) => [s.id, s]));
  }, 300_000);

  afterAll(async () => {
    await scheduler?.stop(0);
    for (const res of held) res.destroy();
    await database?.close();
    await feeds?.close();
  });

  it('polls the good source again when it is due, while the hostile ones are in flight', () => {
    expect(goodPollsWhileHeld).toBeGreaterThanOrEqual(2);
    expect(heldInFlightAtSecondPoll).toBe(true);
    expect(rows.get('good')).toMatchObject({ articleCount: 1, consecutiveFailures: 0 });
    expect(sourceStatus(rows.get('good')!)).toBe('ok');
  });

  it('stops on shutdown with a source still in flight, leaving it untouched for the next start', () => {
    expect(stopped).toEqual({ abandoned: true });
    expect(rows.get('held')).toMatchObject({ lastAttemptAt: null, leaseOwner: null, consecutiveFailures: 0 });
  });

  it('refuses a comment-only document and records why', () => {
    expect(rows.get('comment-only')).toMatchObject({
      lastError: 'not a well-formed feed: no root element',
      consecutiveFailures: 1,
      leaseOwner: null,
    });
  });

  it('stores the item with 40,000 nested divs as text, and says so', async () => {
    const [item] = await stored('nested');
    expect(item).toMatchObject({ title: 'Forty thousand divs', text: 'Lead paragraph.\ndeep text' });
    expect(item!.contentHtml).toBe('<p>Lead paragraph.</p><p>deep text</p>');
    expect(rows.get('nested')!.notice).toMatch(
      new RegExp(`nested deeper than ${LIMITS.htmlDepth} levels kept as plain text`),
    );
  });

  it('stores "]]>" titles as the text they are', async () => {
    expect((await stored('cdata')).map((a) => [a.title, a.text])).toEqual(
      CDATA_TITLES.map((t) => [t.stored, t.stored]),
    );
    expect(rows.get('cdata')!.lastError).toBeNull();
  });

  it('stores a JSON Feed with NUL and other forbidden characters without them, instead of failing the source', async () => {
    expect(rows.get('nul')).toMatchObject({ lastError: null, feedTitle: 'Nul feed', articleCount: 1 });
    expect(sourceStatus(rows.get('nul')!)).toBe('ok');
    const [item] = await stored('nul');
    expect(item).toMatchObject({
      guid: 'nul-1',
      url: 'https://nul.example/1',
      title: 'Null and bell',
      author: 'Ann',
      categories: ['tag'],
      contentHtml: '<p>Text</p>',
    });
  });

  it('keeps the newest items of a million-item feed, and says how many it left out', async () => {
    expect(rows.get('million')).toMatchObject({ articleCount: 1000, itemsSeen: 1000, lastError: null });
    expect(rows.get('million')!.notice).toBe('kept the newest 1,000 of 1,000,000 items.');
    const guids = (await stored('million')).map((a) => a.guid);
    expect(new Set(guids)).toEqual(new Set(Array.from({ length: 1000 }, (_, i) => `m${i}`)));
  });

  it('shows the notice in /api/sources and on the status page', async () => {
    const app = buildServer(() => ctx, { versionTtlMs: 0 });
    try {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      const api = (await (await fetch(`${base}/api/sources`)).json()) as { id: string; notice: string | null }[];
      expect(api.find((s) => s.id === 'million')?.notice).toBe('kept the newest 1,000 of 1,000,000 items.');
      expect(api.find((s) => s.id === 'good')?.notice).toBeNull();
      expect(await (await fetch(`${base}/`)).text()).toContain('kept the newest 1,000 of 1,000,000 items.');
    } finally {
      await app.close();
    }
  });

  it("records a batch the database refused, after its rollback, with the driver's message rather than the SQL", () => {
    const row = rows.get('refused')!;
    expect(row).toMatchObject({ articleCount: 0, consecutiveFailures: 1, leaseOwner: null });
    expect(row.lastError).toMatch(/^database: .*refuse_poison/);
    expect(row.lastError).not.toMatch(/Failed query|insert into|Poison pill/);
    expect(sourceStatus(row)).toBe('failing');
  });
});

describe.each(testDatabases())('refresh deadline on $name', (testDb) => {
  let feeds: FixtureServer;
  let database: Database;
  const held: ServerResponse[] = [];

  beforeAll(async () => {
    feeds = await startFixtureServer({
      '/held.xml': (_req, res) => {
        held.push(res);
      },
    });
    database = await testDb.open();
  });

  afterAll(async () => {
    for (const res of held) res.destroy();
    await database?.close();
    await feeds?.close();
  });

  it('abandons a refresh still running at 80 % of its lease, records it as failed and frees the source', async () => {
    const ctx = await contextFromYaml(
      `sources:\n  - { id: slow, url: "${feeds.url}/held.xml", timeout: 10m }\n`,
      database,
    );
    ctx.leaseMs = 2500;
    const [result] = await runPass(ctx, { force: true });
    expect(result!.outcome).toMatchObject({
      ok: false,
      error: 'refresh took longer than 2 s: abandoned while fetching and parsing',
    });
    const [row] = await listSources(database.db);
    expect(row).toMatchObject({
      lastError: 'refresh took longer than 2 s: abandoned while fetching and parsing',
      consecutiveFailures: 1,
      leaseOwner: null,
    });
    // The request itself was given up, not left holding a connection.
    await until(
      'the held request closed',
      () => (held[0]?.destroyed || held[0]?.socket?.destroyed ? true : undefined),
      10_000,
    );
  });
});

/** A stage that never ends on its own: the worker's store waits for a lock the test holds in another session. */
describe.skipIf(missingPostgres('the hung-store test'))('a store that hangs', () => {
  it('is abandoned at the refresh deadline and recorded, and SIGTERM still stops the worker', async () => {
    const fresh = await freshPostgresUrl(postgresAdminUrl!);
    const feeds = await startFixtureServer({
      '/feed.xml': {
        headers: { 'content-type': 'application/rss+xml' },
        body: rss('Stuck', rssItem('stuck-1', 'Stored never')),
      },
    });
    const dir = mkdtempSync(join(tmpdir(), 'tributary-hung-'));
    const holder = await openDatabase({ url: fresh.url });
    let release = () => {};
    let holding: Promise<void> | undefined;
    try {
      await holder.migrate();
      const locked = new Promise<void>((resolve) => {
        holding = holder.db.transaction(async (tx) => {
          // Reads go on; every write to articles waits for this transaction.
          await tx.execute(sql`lock table articles in exclusive mode`);
          resolve();
          await new Promise<void>((done) => {
            release = done;
          });
        });
      });
      await locked;
      writeFileSync(join(dir, 'sources.yaml'), `sources:\n  - { id: stuck, url: "${feeds.url}/feed.xml" }\n`);
      const worker = startTributary(['worker'], {
        DATABASE_URL: fresh.url,
        CONFIG: join(dir, 'sources.yaml'),
        TICK_SECONDS: '1',
        LEASE_SECONDS: '4',
        SHUTDOWN_SECONDS: '2',
      });
      try {
        const failed = await worker.waitForLog((l) => l.msg === 'fetch failed' && l.source === 'stuck', 60_000);
        expect(failed.err).toBe('refresh took longer than 3.2 s: abandoned while storing');
        worker.child.kill('SIGTERM');
        expect((await worker.exited).code).toBe(0);
        expect(worker.logs.some((l) => l.msg === 'stopped')).toBe(true);
      } finally {
        await worker.stop();
      }
      const [row] = await holder.db.select().from(sources).where(eq(sources.id, 'stuck'));
      expect(row).toMatchObject({
        lastError: 'refresh took longer than 3.2 s: abandoned while storing',
        consecutiveFailures: 1,
      });
    } finally {
      release();
      await holding;
      await holder.close();
      await feeds.close();
      await fresh.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
