import { readFileSync } from 'node:fs';
import Parser from 'rss-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { runPass } from '../../src/worker/pass.js';
import type { AppContext } from '../../src/worker/context.js';
import { testDatabases } from '../helpers/database.js';
import type { FixtureServer } from '../helpers/fixture-server.js';
import { startStack, type Stack } from '../helpers/stack.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/feeds/${name}`, import.meta.url), 'utf8');

describe.each(testDatabases())('published feeds on $name', (testDb) => {
  let stack: Stack;
  let feeds: FixtureServer;
  let ctx: AppContext;
  let base: string;

  beforeAll(async () => {
    stack = await startStack(testDb, {
      '/rss2.xml': { body: fixture('rss2.xml') },
      '/atom.xml': { body: fixture('atom.xml') },
      '/rss1.rdf': { body: fixture('rss1.rdf') },
      '/feed.json': { body: fixture('feed.json') },
    }, (url) => `
sources:
  - { id: wire, name: Orbital Wire, url: "${url}/rss2.xml", tags: [defense] }
  - { id: launchlog, url: "${url}/atom.xml", tags: [space] }
  - { id: grid, url: "${url}/rss1.rdf", tags: [energy] }
  - { id: deepspace, url: "${url}/feed.json", tags: [space] }
topics:
  - { id: space, title: Space, include: ["orbit*", "launch*", "satellite", "probe"] }
output: { baseUrl: "http://feeds.test", limit: 4 }
`);
    ({ feeds, ctx, base } = stack);
    await runPass(ctx, { force: true });
  });

  afterAll(async () => {
    await stack?.close();
  });

  const local = (url: string) => url.replace('http://feeds.test', base);

  it('pages through every entry exactly once, following next links in each format', async () => {
    const parser = new Parser();
    for (const format of ['json', 'atom', 'rss'] as const) {
      const seen: string[] = [];
      let url: string | undefined = `${base}/feeds/all.${format}`;
      while (url) {
        const body = await (await fetch(url)).text();
        if (format === 'json') {
          const page = JSON.parse(body) as { items: { id: string }[]; next_url?: string };
          seen.push(...page.items.map((i) => i.id));
          url = page.next_url && local(page.next_url);
        } else {
          const page = await parser.parseString(body);
          seen.push(...page.items.map((i) => i.guid ?? i.id));
          const next = format === 'atom'
            ? /<link rel="next" href="([^"]+)"/.exec(body)?.[1]
            : /<atom:link href="([^"]+)" rel="next"/.exec(body)?.[1];
          url = next && local(next.replace(/&amp;/g, '&'));
        }
        expect(seen.length).toBeLessThanOrEqual(20);
      }
      expect(seen).toHaveLength(10);
      expect(new Set(seen).size).toBe(10);
    }
  });

  it('names the outlet as <source> and topics as categories, and links the other formats', async () => {
    const rss = await (await fetch(`${base}/feeds/space.rss?limit=10`)).text();
    expect(rss).toMatch(new RegExp(`<source url="${feeds.url}/feed.json">Deep Space Notes</source>`));
    expect(rss).toContain('<category>space</category>');
    expect(rss).toContain('<atom:link href="http://feeds.test/feeds/space.rss?limit=10" rel="self"');
    const atom = await (await fetch(`${base}/feeds/space.atom?limit=10`)).text();
    expect(atom).toMatch(/<source><id>[^<]+\/atom\.xml<\/id><title type="text">Launch Log<\/title><link href="https:\/\/launchlog\.example\.org\/"\/><\/source>/);
    expect(atom).toContain('<category label="space" term="space"/>');
    const json = (await (await fetch(`${base}/feeds/space.json?limit=10`)).json()) as { feed_url: string; items: { tags?: string[] }[] };
    expect(json.feed_url).toBe('http://feeds.test/feeds/space.json?limit=10');
    expect(json.items.every((i) => i.tags?.includes('space'))).toBe(true);
    expect(JSON.stringify(json)).not.toContain('tributary-source-');
  });

  it('serves the sources as OPML', async () => {
    const response = await fetch(`${base}/opml`);
    expect(response.headers.get('content-type')).toBe('text/x-opml; charset=utf-8');
    const body = await response.text();
    expect(body).toContain(`xmlUrl="${feeds.url}/rss2.xml"`);
    expect(body).toMatch(/text="Orbital Wire"[^>]*category="\/defense"/);
    expect(body).toMatch(/text="Launch Log"[^>]*htmlUrl="https:\/\/launchlog\.example\.org\/"/);
  });

  it('searches title and text, combined with topic, source and tag', async () => {
    const titles = async (query: string) =>
      ((await (await fetch(`${base}/feeds/${query}`)).json()) as { items: { title: string }[] }).items.map((i) => i.title).sort();
    expect(await titles('all.json?q=reactor')).toEqual(['Nuclear reactor restarts after refuelling outage']);
    expect(await titles('all.json?q=%22air%20defence%22')).toEqual(['NATO allies agree on new air defence shield for eastern flank']);
    // English stemming: "orbiting" matches "orbit".
    expect(await titles('all.json?q=orbit%20-student')).toEqual(['Tracking station upgrade completed in the Arctic', 'Weather satellite reaches geostationary orbit']);
    expect(await titles('space.json?q=signal')).toEqual(['Student cubesat sends first signal']);
    expect(await titles('all.json?q=orbit&source=launchlog')).toEqual(['Weather satellite reaches geostationary orbit']);
    expect(await titles('all.json?tag=energy&limit=10')).toEqual(['Nuclear reactor restarts after refuelling outage', 'Offshore wind auction draws record bids']);
    expect(await titles('all.json?q=zzznothing')).toEqual([]);
  });

  it('answers conditional requests with 304 until the data changes', async () => {
    const url = `${base}/feeds/all.atom?limit=10`;
    const first = await fetch(url);
    const etag = first.headers.get('etag')!;
    const lastModified = first.headers.get('last-modified')!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(Date.parse(lastModified)).toBeGreaterThan(0);
    expect(first.headers.get('cache-control')).toMatch(/max-age=\d+/);
    expect((await fetch(url, { headers: { 'if-none-match': etag } })).status).toBe(304);
    expect((await fetch(url, { headers: { 'if-modified-since': lastModified } })).status).toBe(304);
    expect((await fetch(url, { headers: { 'if-none-match': '"other"' } })).status).toBe(200);

    feeds.routes.set('/rss1.rdf', { body: fixture('rss1.rdf').replace('Offshore wind auction draws record bids', 'Offshore wind auction draws record bids from six developers') });
    await runPass(ctx, { ids: ['grid'] });
    const changed = await fetch(url, { headers: { 'if-none-match': etag } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
  });

  it('serves cached feeds while the database is down, 503 otherwise, and /readyz says so', async () => {
    const cached = await (await fetch(`${base}/feeds/all.rss`)).text();
    const db = ctx.database;
    const broken = { ...db, db: new Proxy(db.db, { get: () => { throw new Error('connection refused'); } }) };
    stack.ctx = { ...ctx, database: broken as Database };
    try {
      const stale = await fetch(`${base}/feeds/all.rss`);
      expect(stale.status).toBe(200);
      expect(await stale.text()).toBe(cached);
      const uncached = await fetch(`${base}/feeds/all.rss?limit=7`);
      expect(uncached.status).toBe(503);
      expect(uncached.headers.get('retry-after')).toBe('30');
      expect((await fetch(`${base}/readyz`)).status).toBe(503);
    } finally {
      stack.ctx = { ...ctx, database: db };
    }
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  });
});
