import { readFileSync } from 'node:fs';
import Parser from 'rss-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Database } from '../../src/db/client.js';
import { queryRows } from '../../src/db/rows.js';
import { listSources } from '../../src/storage/sources.js';
import { runPass } from '../../src/worker/pass.js';
import type { AppContext } from '../../src/worker/context.js';
import { testDatabases } from '../helpers/database.js';
import type { FixtureServer } from '../helpers/fixture-server.js';
import { startStack, type Stack } from '../helpers/stack.js';

// Migrations this build ships: counted, so that a branch adding one need not edit this test.
const SHIPPED = (JSON.parse(readFileSync('drizzle/meta/_journal.json', 'utf8')) as { entries: unknown[] }).entries
  .length;

const fixture = (name: string) => readFileSync(new URL(`../fixtures/feeds/${name}`, import.meta.url), 'utf8');

const ALL_TITLES = [
  'NATO allies agree on new air defence shield for eastern flank',
  'Tracking station upgrade completed in the Arctic',
  'Charity football match raises money for veterans & families',
  'Heavy-lift rocket clears static fire test',
  'Weather satellite reaches geostationary orbit',
  'Ukrainian engineers test reusable drone launcher',
  'Nuclear reactor restarts after refuelling outage',
  'Offshore wind auction draws record bids',
  "Probe completes flyby of Jupiter's moon Europa",
  'Student cubesat sends first signal',
];

describe.each(testDatabases())('pipeline end to end on $name', (testDb) => {
  let stack: Stack;
  let feeds: FixtureServer;
  let database: Database;
  let ctx: AppContext;
  let base: string;

  beforeAll(async () => {
    stack = await startStack(
      testDb,
      {
        '/rss2.xml': {
          headers: { 'content-type': 'application/rss+xml; charset=utf-8', etag: '"v1"' },
          body: fixture('rss2.xml'),
        },
        '/atom.xml': { headers: { 'content-type': 'application/atom+xml' }, body: fixture('atom.xml') },
        '/rss1.rdf': { headers: { 'content-type': 'application/rdf+xml' }, body: fixture('rss1.rdf') },
        '/feed.json': { headers: { 'content-type': 'application/feed+json' }, body: fixture('feed.json') },
        '/broken': { status: 500, body: 'oops' },
        '/garbage': { headers: { 'content-type': 'application/xml' }, body: '\u0000\u0001 this is not <xml' },
      },
      (url) => `
sources:
  - { id: wire, url: "${url}/rss2.xml", tags: [defense] }
  - { id: launchlog, url: "${url}/atom.xml", tags: [space] }
  - { id: grid, url: "${url}/rss1.rdf", tags: [energy] }
  - { id: deepspace, url: "${url}/feed.json", tags: [space] }
  - { id: broken, url: "${url}/broken" }
  - { id: garbage, url: "${url}/garbage" }
topics:
  - id: defense
    title: Defense
    include: ["NATO", "Ukrain*", "air defence"]
    exclude: ["football"]
  - id: space-only
    include: ["orbit*", "probe"]
    tags: [space]
output: { baseUrl: "http://feeds.test", limit: 50 }
`,
    );
    ({ feeds, database, ctx, base } = stack);
  });

  afterAll(async () => stack?.close());

  it('ingests every good source and records the bad ones as failing', async () => {
    const results = await runPass(ctx, { force: true });
    const byId = Object.fromEntries(results.map((r) => [r.sourceId, r.outcome]));
    expect(Object.keys(byId).sort()).toEqual(['broken', 'deepspace', 'garbage', 'grid', 'launchlog', 'wire']);
    for (const id of ['wire', 'launchlog', 'grid', 'deepspace']) expect(byId[id]).toMatchObject({ ok: true });
    expect(byId.broken).toMatchObject({ ok: false, status: 500 });
    expect(byId.garbage).toMatchObject({ ok: false });

    const sources = Object.fromEntries((await listSources(database.db)).map((s) => [s.id, s]));
    expect(sources.broken).toMatchObject({ consecutiveFailures: 1, lastStatus: 500, lastError: 'HTTP 500' });
    expect(sources.garbage!.lastError).toMatch(/neither XML nor JSON|not a well-formed feed/);
    expect(sources.wire).toMatchObject({
      consecutiveFailures: 0,
      lastStatus: 200,
      articleCount: 3,
      etag: '"v1"',
      feedTitle: 'Orbital Defense Wire',
    });
    expect(sources.broken!.nextFetchAt.getTime()).toBeGreaterThan(Date.now());
  });

  it('a second fetch of the same feeds adds and changes nothing', async () => {
    const before = await fetchText(`${base}/feeds/all.json`);
    const results = await runPass(ctx, { force: true });
    const good = results.filter((r) => r.outcome.ok);
    expect(good.map((r) => r.sourceId).sort()).toEqual(['deepspace', 'grid', 'launchlog', 'wire']);
    for (const { outcome } of good) expect(outcome).toMatchObject({ ok: true, stored: { added: 0, updated: 0 } });
    expect(await fetchText(`${base}/feeds/all.json`)).toBe(before);
  });

  it('publishes every item exactly once in RSS, Atom and JSON Feed, newest first', async () => {
    const parser = new Parser();
    for (const format of ['rss', 'atom'] as const) {
      const response = await fetch(`${base}/feeds/all.${format}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe(`application/${format}+xml; charset=utf-8`);
      const feed = await parser.parseString(await response.text());
      expect(feed.items.map((i) => i.title).sort()).toEqual([...ALL_TITLES].sort());
      const dates = feed.items.map((i) => Date.parse(i.isoDate ?? i.pubDate ?? ''));
      expect(dates.every((d) => Number.isFinite(d))).toBe(true);
    }
    const response = await fetch(`${base}/feeds/all.json`);
    expect(response.headers.get('content-type')).toBe('application/feed+json; charset=utf-8');
    const json = (await response.json()) as {
      version: string;
      items: { id: string; title: string; date_published: string }[];
    };
    expect(json.version).toBe('https://jsonfeed.org/version/1.1');
    expect(json.items.map((i) => i.title).sort()).toEqual([...ALL_TITLES].sort());
    expect(new Set(json.items.map((i) => i.id)).size).toBe(ALL_TITLES.length);
    expect(json.items[0]!.title).toBe('Heavy-lift rocket clears static fire test');
    const published = json.items.map((i) => Date.parse(i.date_published));
    expect(published).toEqual([...published].sort((a, b) => b - a));
  });

  it('serves only sanitized HTML with absolute links', async () => {
    const body =
      (await fetchText(`${base}/feeds/all.rss`)) +
      (await fetchText(`${base}/feeds/all.atom`)) +
      (await fetchText(`${base}/feeds/all.json`));
    expect(body).not.toMatch(/<script|onclick|<iframe|pixel\.wp\.com/i);
    expect(body).toContain('https://wire.example.com/background/air-defence');
    expect(body).toContain('https://launchlog.example.org/img/static-fire.jpg');
  });

  it('a topic feed holds exactly the matching items', async () => {
    const json = (await (await fetch(`${base}/feeds/defense.json`)).json()) as { items: { title: string }[] };
    expect(json.items.map((i) => i.title).sort()).toEqual([
      'NATO allies agree on new air defence shield for eastern flank',
      'Ukrainian engineers test reusable drone launcher',
    ]);
    const space = (await (await fetch(`${base}/feeds/space-only.json`)).json()) as { items: { title: string }[] };
    expect(space.items.map((i) => i.title).sort()).toEqual([
      "Probe completes flyby of Jupiter's moon Europa",
      'Student cubesat sends first signal',
      'Weather satellite reaches geostationary orbit',
    ]);
  });

  it('honours limit, rejects bad parameters and unknown feeds', async () => {
    const json = (await (await fetch(`${base}/feeds/all.json?limit=3`)).json()) as {
      items: unknown[];
      next_url?: string;
    };
    expect(json.items).toHaveLength(3);
    expect(json.next_url).toContain('before=');
    const next = (await (await fetch(json.next_url!.replace('http://feeds.test', base))).json()) as {
      items: unknown[];
    };
    expect(next.items).toHaveLength(3);
    const bad = await fetch(`${base}/feeds/all.rss?limit=0`);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('limit');
    expect((await fetch(`${base}/feeds/nope.rss`)).status).toBe(404);
    expect((await fetch(`${base}/feeds/all.txt`)).status).toBe(404);
  });

  it('updates an item edited at the source in place', async () => {
    feeds.routes.set('/rss2.xml', {
      headers: { 'content-type': 'application/rss+xml' },
      body: fixture('rss2.xml').replace(
        'Tracking station upgrade completed in the Arctic',
        'Arctic tracking station upgrade completed ahead of schedule',
      ),
    });
    const [result] = await runPass(ctx, { ids: ['wire'] });
    expect(result!.outcome).toMatchObject({ ok: true, stored: { added: 0, updated: 1 } });
    const json = (await (await fetch(`${base}/feeds/all.json?limit=200`)).json()) as { items: { title: string }[] };
    expect(json.items).toHaveLength(ALL_TITLES.length);
    expect(json.items.map((i) => i.title)).toContain('Arctic tracking station upgrade completed ahead of schedule');
    expect(json.items.map((i) => i.title)).not.toContain('Tracking station upgrade completed in the Arctic');
  });

  it('exposes Prometheus metrics whose counters move as fetches happen', async () => {
    const response = await fetch(`${base}/metrics`);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const before = parsePrometheus(await response.text());
    await runPass(ctx, { ids: ['broken', 'wire'] });
    const after = parsePrometheus(await fetchText(`${base}/metrics`));
    const delta = (name: string) => (after.get(name) ?? 0) - (before.get(name) ?? 0);
    expect(delta('tributary_fetches_total{source="broken",outcome="error"}')).toBe(1);
    expect(
      delta('tributary_fetches_total{source="wire",outcome="ok"}') +
        delta('tributary_fetches_total{source="wire",outcome="not_modified"}'),
    ).toBe(1);
    expect(delta('tributary_fetch_duration_seconds_count{outcome="error"}')).toBe(1);
    expect(after.get('tributary_sources_failing')).toBe(2);
    // Nothing is due right after a pass: no backlog.
    expect(after.get('tributary_sources_due')).toBe(0);
    expect(after.get('tributary_scheduler_overdue_seconds')).toBe(0);
    expect(after.get('tributary_db_pool_max')).toBe(database.kind === 'postgres' ? 10 : 1);
    expect(after.get('tributary_http_requests_total{route="/metrics",status="200"}')).toBeGreaterThanOrEqual(1);
    expect(after.get('tributary_http_requests_total{route="/feeds/:file",status="200"}')).toBeGreaterThan(0);
  });

  it('lists topics with subscribe links and health on the status page and API', async () => {
    const html = await fetchText(`${base}/`);
    expect(html).toContain('href="http://feeds.test/feeds/defense.atom"');
    expect(html).toContain('<link rel="alternate" type="application/rss+xml"');
    expect(html).toMatch(/broken[\s\S]*failing/);
    const api = (await (await fetch(`${base}/api/sources`)).json()) as { id: string; status: string }[];
    expect(api.find((s) => s.id === 'broken')?.status).toBe('failing');
    expect(api.find((s) => s.id === 'wire')?.status).toBe('ok');
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${base}/readyz`)).json()).toEqual({ status: 'ready', migrations: SHIPPED });
  });

  it('is not ready while a migration this build ships is missing from the database', async () => {
    const [last] = await queryRows<{ id: number; hash: string; created_at: string }>(
      database.db,
      sql`delete from drizzle.__drizzle_migrations where id = (select max(id) from drizzle.__drizzle_migrations) returning id, hash, created_at`,
    );
    try {
      const response = await fetch(`${base}/readyz`);
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ status: 'migrations pending', applied: SHIPPED - 1, expected: SHIPPED });
    } finally {
      await database.db.execute(
        sql`insert into drizzle.__drizzle_migrations (id, hash, created_at) values (${last!.id}, ${last!.hash}, ${last!.created_at})`,
      );
    }
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  });
});

/** Strict reading of the Prometheus text format: every sample line is `name{labels} value`. */
function parsePrometheus(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# HELP ') || line.startsWith('# TYPE ')) continue;
    const match =
      /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})?) (-?[0-9.e+-]+|NaN|[+-]Inf)$/i.exec(
        line,
      );
    if (!match) throw new Error(`not Prometheus text: ${line}`);
    samples.set(match[1]!, Number(match[2]));
  }
  return samples;
}

async function fetchText(url: string): Promise<string> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return response.text();
}
