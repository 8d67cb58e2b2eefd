import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { Database } from '../../src/db/client.js';
import { articles } from '../../src/db/schema.js';
import { listSources, sourceStatus, type SourceRow } from '../../src/storage/sources.js';
import type { AppContext } from '../../src/worker/context.js';
import { runPass, type PassResult } from '../../src/worker/pass.js';
import { badSourceRoutes, bytesSent } from '../fixtures/bad-sources.js';
import { contextFromYaml } from '../helpers/context.js';
import { testDatabases } from '../helpers/database.js';
import { startFixtureServer, type FixtureServer } from '../helpers/fixture-server.js';

const SOURCES: Record<string, string> = {
  good: '/good.xml',
  e500: '/500.xml',
  e503: '/503.xml',
  e404: '/404.xml',
  e410: '/410.xml',
  moved: '/old.xml',
  loop: '/loop-a',
  stall: '/stall.xml',
  drip: '/drip.xml',
  huge: '/huge.xml',
  bomb: '/bomb.xml',
  laughs: '/laughs.xml',
  truncated: '/truncated.xml',
  site: '/site/',
  elsewhere: '/elsewhere/',
  'as-html': '/as-html.xml',
  empty: '/empty.xml',
  'invalid-utf8': '/invalid-utf8.xml',
  cp1251: '/cp1251.xml',
  bulk: '/bulk.xml',
  'redirect-private': '/redirect-private.xml',
};
const SLOW = new Set(['stall', 'drip']);

describe.each(testDatabases())('bad sources on $name', (testDb) => {
  let feeds: FixtureServer;
  let database: Database;
  let ctx: AppContext;
  let first: Map<string, PassResult['outcome']>;
  let rows: Map<string, SourceRow & { articleCount: number }>;

  const titlesOf = async (sourceId: string) =>
    (await database.db.select({ title: articles.title }).from(articles).where(eq(articles.sourceId, sourceId))).map(
      (r) => r.title,
    );

  beforeAll(async () => {
    feeds = await startFixtureServer(badSourceRoutes());
    database = await testDb.open();
    const list = Object.entries(SOURCES)
      .map(([id, path]) => `  - { id: ${id}, url: "${feeds.url}${path}"${SLOW.has(id) ? ', timeout: 2s' : ''} }`)
      .join('\n');
    const scraped = `  - id: scraped
    url: "${feeds.url}/news/"
    scrape: { item: article, title: h2, link: "h2 a@href", date: "time@datetime", summary: p.lead }`;
    ctx = await contextFromYaml(
      `defaults: { concurrency: 32, perHostConcurrency: 32 }\nsources:\n${list}\n${scraped}\n`,
      database,
    );
    first = new Map((await runPass(ctx, { force: true })).map((r) => [r.sourceId, r.outcome]));
    rows = new Map((await listSources(database.db)).map((s) => [s.id, s]));
  }, 120_000);

  afterAll(async () => {
    await database?.close();
    await feeds?.close();
  });

  const failed = (id: string) => {
    const outcome = first.get(id);
    expect(outcome, id).toMatchObject({ ok: false });
    const row = rows.get(id)!;
    expect(row.articleCount, `${id} stores nothing`).toBe(0);
    expect(row.lastError, `${id} records its error`).toBeTruthy();
    return row;
  };

  it('finishes the pass with every source accounted for, and still ingests the good one', () => {
    expect([...first.keys()].sort()).toEqual([...Object.keys(SOURCES), 'scraped'].sort());
    expect(first.get('good'), JSON.stringify(first.get('good'))).toMatchObject({ ok: true, stored: { added: 2 } });
    expect(rows.get('good')!.articleCount).toBe(2);
  });

  it('500 forever backs off further with each failure', async () => {
    const row = failed('e500');
    expect(row).toMatchObject({ lastStatus: 500, consecutiveFailures: 1 });
    expect(sourceStatus(row)).toBe('failing');
    await runPass(ctx, { ids: ['e500'] });
    const again = (await listSources(database.db)).find((s) => s.id === 'e500')!;
    expect(again.consecutiveFailures).toBe(2);
    const firstDelay = row.nextFetchAt.getTime() - row.lastAttemptAt!.getTime();
    const secondDelay = again.nextFetchAt.getTime() - again.lastAttemptAt!.getTime();
    expect(secondDelay).toBeGreaterThan(firstDelay);
  });

  it('503 with Retry-After waits at least that long and is not counted as broken', () => {
    const row = failed('e503');
    expect(row).toMatchObject({ lastStatus: 503, consecutiveFailures: 0 });
    expect(row.nextFetchAt.getTime() - row.lastAttemptAt!.getTime()).toBeGreaterThanOrEqual(120_000);
    expect(sourceStatus(row)).toBe('throttled');
  });

  it('404 fails with backoff; 410 marks the source gone and it is not polled again', async () => {
    expect(failed('e404')).toMatchObject({ lastStatus: 404, consecutiveFailures: 1 });
    const gone = failed('e410');
    expect(gone).toMatchObject({ lastStatus: 410, gone: true });
    expect(sourceStatus(gone)).toBe('gone');
    const hits = feeds.hits.get('/410.xml');
    const again = await runPass(ctx, { force: true, ids: undefined });
    expect(again.map((r) => r.sourceId)).not.toContain('e410');
    expect(feeds.hits.get('/410.xml')).toBe(hits);
  });

  it('301 is followed, remembered and polled at the new URL from then on', async () => {
    expect(first.get('moved')).toMatchObject({ ok: true, movedTo: `${feeds.url}/new.xml` });
    expect(rows.get('moved')).toMatchObject({ currentUrl: `${feeds.url}/new.xml`, articleCount: 1, etag: '"new-1"' });
    const oldHits = feeds.hits.get('/old.xml');
    await runPass(ctx, { ids: ['moved'] });
    expect(feeds.hits.get('/old.xml')).toBe(oldHits);
  });

  it('a redirect loop fails cleanly', () => {
    expect(failed('loop').lastError).toMatch(/redirect loop/);
  });

  it('a server that stalls after the headers, or drips a byte a second, is cut off at the timeout', () => {
    for (const id of ['stall', 'drip']) {
      const row = failed(id);
      // The 2 s source timeout ended it, not the 20 s default: the message names the limit that fired.
      expect(row.lastError).toMatch(/timed out after 2000 ms/);
    }
  });

  it('a 50 MiB body and a gzip bomb stop at the 10 MiB cap', () => {
    expect(failed('huge').lastError).toMatch(/response too large: more than 10485760 bytes/);
    // The client hung up near the cap instead of reading on (socket buffers allow some slack).
    expect(bytesSent.get('/huge.xml')!).toBeLessThan(20 * 1024 * 1024);
    expect(failed('bomb').lastError).toMatch(/more than 10485760 bytes after decompression/);
  });

  it('an entity bomb is never expanded: the document is refused as malformed', async () => {
    // Declared entities are not expanded, so the first use of one is an unknown entity and the feed is not well-formed.
    expect(failed('laughs').lastError).toMatch(/not a well-formed feed/);
    expect(await titlesOf('laughs')).toEqual([]);
  });

  it('truncated XML and an empty 200 store nothing', () => {
    expect(failed('truncated').lastError).toBeTruthy();
    expect(failed('empty').lastError).toMatch(/empty response body/);
  });

  it('an HTML page is followed to the feed it advertises, which is recorded', async () => {
    expect(first.get('site')).toMatchObject({ ok: true, stored: { added: 1 } });
    expect(rows.get('site')!.currentUrl).toBe(`${feeds.url}/site/feed.xml`);
    expect(await titlesOf('site')).toEqual(['Discovered feed carries the satellite story']);
    const pageHits = feeds.hits.get('/site/');
    await runPass(ctx, { ids: ['site'] });
    expect(feeds.hits.get('/site/')).toBe(pageHits);
  });

  it('a discovered link to a private address on another host is refused', () => {
    expect(failed('elsewhere').lastError).toMatch(/private|loopback|refus/i);
    expect(feeds.hits.get('/private.xml') ?? 0).toBe(0);
  });

  it('a redirect from the configured host to another private host is refused, on every poll', async () => {
    expect(failed('redirect-private').lastError).toMatch(/refused to connect to localhost/);
    await runPass(ctx, { ids: ['redirect-private'] });
    expect(feeds.hits.get('/redirect-private.xml')).toBeGreaterThanOrEqual(2);
    expect(feeds.hits.get('/redirect-target.xml') ?? 0).toBe(0);
  });

  it('reads RSS sent as text/html, invalid UTF-8 and windows-1251', async () => {
    expect(await titlesOf('as-html')).toEqual(['Feed served as text/html is still read']);
    expect(await titlesOf('invalid-utf8')).toEqual(['Broken \uFFFD(\uFFFD bytes in the title']);
    expect(await titlesOf('cp1251')).toEqual(['Запуск спутника перенесён на пятницу']);
    expect(rows.get('cp1251')!.feedTitle).toBe('Новости');
  });

  it('scrapes a site without a feed with its CSS selectors', async () => {
    expect(first.get('scraped')).toMatchObject({ ok: true, items: 2, stored: { added: 2 } });
    const stored = await database.db
      .select({
        title: articles.title,
        url: articles.url,
        publishedAt: articles.publishedAt,
        summary: articles.summaryHtml,
      })
      .from(articles)
      .where(eq(articles.sourceId, 'scraped'))
      .orderBy(articles.publishedAt);
    expect(stored).toEqual([
      {
        title: 'Tanker aircraft order confirmed',
        url: `${feeds.url}/news/1`,
        publishedAt: new Date('2026-11-02T08:00:00Z'),
        summary: 'The air force <b>confirmed</b> the order.',
      },
      {
        title: 'Lunar lander passes vacuum test',
        url: `${feeds.url}/news/2`,
        publishedAt: new Date('2026-11-03T09:30:00Z'),
        summary: 'Ready for shipping.',
      },
    ]);
    expect(rows.get('scraped')!.feedTitle).toBe('Newsroom');
  });

  it('stores all 5,000 items of a big feed in one go', () => {
    expect(first.get('bulk')).toMatchObject({ ok: true, items: 5000, stored: { added: 5000 } });
    expect(rows.get('bulk')!.articleCount).toBe(5000);
  });
});
