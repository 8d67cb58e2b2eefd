import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.js';
import { encodeCursor } from '../../src/http/cursor.js';
import { buildServer } from '../../src/http/server.js';
import { runPass } from '../../src/worker/pass.js';
import type { AppContext } from '../../src/worker/context.js';
import { testDatabases } from '../helpers/database.js';
import { VALIDATOR_TIMEOUT, feedValidityErrors, readWithFeedparser } from '../helpers/feed-validators.js';
import type { FixtureServer } from '../helpers/fixture-server.js';
import { startStack, type Stack } from '../helpers/stack.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/feeds/${name}`, import.meta.url), 'utf8');

interface JsonPage {
  feed_url: string;
  next_url?: string;
  items: { id: string; title: string; tags?: string[] }[];
}

/** GET with headers fetch() will not send (Host). */
function get(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    httpRequest(url, { headers }, (res) => {
      let body = '';
      res
        .setEncoding('utf8')
        .on('data', (chunk: string) => (body += chunk))
        .on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    })
      .on('error', reject)
      .end();
  });
}

/** The configuration with `output` changed, as after a reload. */
const withOutput = (ctx: AppContext, output: Partial<AppContext['config']['output']>): AppContext => ({
  ...ctx,
  config: { ...ctx.config, output: { ...ctx.config.output, ...output } },
});

describe.each(testDatabases())('published feeds on $name', { timeout: VALIDATOR_TIMEOUT }, (testDb) => {
  let stack: Stack;
  let feeds: FixtureServer;
  let ctx: AppContext;
  let base: string;

  beforeAll(async () => {
    stack = await startStack(
      testDb,
      {
        '/rss2.xml': { body: fixture('rss2.xml') },
        '/atom.xml': { body: fixture('atom.xml') },
        '/rss1.rdf': { body: fixture('rss1.rdf') },
        '/feed.json': { body: fixture('feed.json') },
      },
      (url) => `
sources:
  - { id: wire, name: Orbital Wire, url: "${url}/rss2.xml", tags: [defense] }
  - { id: launchlog, url: "${url}/atom.xml", tags: [space] }
  - { id: grid, url: "${url}/rss1.rdf", tags: [energy] }
  - { id: deepspace, url: "${url}/feed.json", tags: [space] }
topics:
  - { id: space, title: Space, include: ["orbit*", "launch*", "satellite", "probe"] }
output: { limit: 4 }
`,
    );
    ({ feeds, ctx, base } = stack);
    await runPass(ctx, { force: true });
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('pages through every entry exactly once, following next links where the service is reached, in each format', async () => {
    for (const format of ['json', 'atom', 'rss'] as const) {
      const seen: string[] = [];
      let url: string | undefined = `${base}/feeds/all.${format}`;
      while (url) {
        expect(url.startsWith(`${base}/feeds/all.${format}`), url).toBe(true);
        const response = await fetch(url);
        expect(response.status, url).toBe(200);
        const body = await response.text();
        expect(await feedValidityErrors(format, body)).toEqual([]);
        if (format === 'json') {
          const page = JSON.parse(body) as JsonPage;
          seen.push(...page.items.map((i) => i.id));
          url = page.next_url;
        } else {
          const page = await readWithFeedparser(body);
          seen.push(...page.entries.map((e) => e.id!));
          url = page.feed.links.find((l) => l.rel === 'next')?.href ?? undefined;
        }
        expect(seen.length).toBeLessThanOrEqual(20);
      }
      expect(seen).toHaveLength(10);
      expect(new Set(seen).size).toBe(10);
    }
  });

  it('names the outlet as <source> and topics as categories, and links the other formats', async () => {
    const rss = await (await fetch(`${base}/feeds/space.rss?limit=10`)).text();
    expect(rss).toContain(`<source url="${feeds.url}/feed.json">Deep Space Notes</source>`);
    expect(rss).toContain('<category>space</category>');
    expect(rss).toContain(`<atom:link href="${base}/feeds/space.rss?limit=10" rel="self"`);
    const atom = await readWithFeedparser(await (await fetch(`${base}/feeds/space.atom?limit=10`)).text());
    const launch = atom.entries.find((e) => e.source.title === 'Launch Log')!;
    expect(launch.source.links).toEqual(['https://launchlog.example.org/', `${feeds.url}/atom.xml`]);
    expect(launch.tags).toContain('space');
    expect(atom.feed.links).toEqual(
      expect.arrayContaining([
        { rel: 'self', type: 'application/atom+xml', href: `${base}/feeds/space.atom?limit=10` },
        { rel: 'alternate', type: 'application/rss+xml', href: `${base}/feeds/space.rss?limit=10` },
        { rel: 'alternate', type: 'application/feed+json', href: `${base}/feeds/space.json?limit=10` },
        { rel: 'alternate', type: 'text/html', href: `${base}/` },
      ]),
    );
    const json = (await (await fetch(`${base}/feeds/space.json?limit=10`)).json()) as JsonPage;
    expect(json.feed_url).toBe(`${base}/feeds/space.json?limit=10`);
    expect(json.items.every((i) => i.tags?.includes('space'))).toBe(true);
  });

  it('takes links from the Host header, from X-Forwarded-* only when trusted, and from output.baseUrl when set', async () => {
    const url = `${base}/feeds/all.json?limit=2`;
    const links = async (headers: Record<string, string>) => {
      const page = JSON.parse((await get(url, headers)).body) as JsonPage;
      return [page.feed_url, page.next_url];
    };
    expect(await links({ host: 'news.example:8443' })).toEqual([
      'http://news.example:8443/feeds/all.json?limit=2',
      expect.stringMatching(/^http:\/\/news\.example:8443\/feeds\/all\.json\?limit=2&before=/),
    ]);
    const forwarded = { host: 'backend:8080', 'x-forwarded-host': 'news.example', 'x-forwarded-proto': 'https' };
    expect((await links(forwarded))[0]).toBe('http://backend:8080/feeds/all.json?limit=2');
    // A Host header that is not a host name is not believed: the address the client reached is used.
    const port = new URL(base).port;
    expect((await links({ host: 'evil.example/"><script>' }))[0]).toBe(
      `http://127.0.0.1:${port}/feeds/all.json?limit=2`,
    );
    stack.ctx = withOutput(ctx, { trustProxy: true });
    try {
      expect((await links(forwarded))[0]).toBe('https://news.example/feeds/all.json?limit=2');
      expect((await get(url, forwarded)).headers.vary).toBe('X-Forwarded-Host, X-Forwarded-Proto');
      stack.ctx = withOutput(ctx, { baseUrl: 'https://feeds.example/tributary' });
      expect((await links(forwarded))[0]).toBe('https://feeds.example/tributary/feeds/all.json?limit=2');
      const page = await get(`${base}/`, { host: 'other.example' });
      expect(page.body).toContain('href="https://feeds.example/tributary/feeds/all.atom"');
    } finally {
      stack.ctx = ctx;
    }
    const page = await get(`${base}/`, { host: 'status.example:9000' });
    expect(page.body).toContain(
      '<link rel="alternate" type="application/atom+xml" title="Everything (Tributary) (Atom)" href="http://status.example:9000/feeds/all.atom">',
    );
    expect(page.body).toContain('href="http://status.example:9000/opml"');
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
      ((await (await fetch(`${base}/feeds/${query}`)).json()) as JsonPage).items.map((i) => i.title).sort();
    expect(await titles('all.json?q=reactor')).toEqual(['Nuclear reactor restarts after refuelling outage']);
    expect(await titles('all.json?q=%22air%20defence%22')).toEqual([
      'NATO allies agree on new air defence shield for eastern flank',
    ]);
    // English stemming: "orbiting" matches "orbit".
    expect(await titles('all.json?q=orbit%20-student')).toEqual([
      'Tracking station upgrade completed in the Arctic',
      'Weather satellite reaches geostationary orbit',
    ]);
    expect(await titles('space.json?q=signal')).toEqual(['Student cubesat sends first signal']);
    expect(await titles('all.json?q=orbit&source=launchlog')).toEqual([
      'Weather satellite reaches geostationary orbit',
    ]);
    expect(await titles('all.json?tag=energy&limit=10')).toEqual([
      'Nuclear reactor restarts after refuelling outage',
      'Offshore wind auction draws record bids',
    ]);
    expect(await titles('all.json?q=zzznothing')).toEqual([]);
  });

  it('answers a bad query parameter with 400 naming it, never a database error', async () => {
    const refused = async (query: string) => {
      const response = await fetch(`${base}/feeds/all.rss?${query}`);
      return [response.status, (await response.text()).trim()];
    };
    for (const limit of ['1e2', '0x10', '%2010', '10%20', '-1', '0', '201', '']) {
      expect(await refused(`limit=${limit}`), limit).toEqual([
        400,
        'query parameter "limit" must be a whole number from 1 to 200',
      ]);
    }
    const farFuture = Buffer.from(`${Date.UTC(275000, 0, 1)}:1`).toString('base64url');
    const hugeId = Buffer.from('0:99999999999999999999').toString('base64url');
    for (const before of [farFuture, hugeId, 'not-a-cursor', '%00']) {
      expect(await refused(`before=${before}`), before).toEqual([
        400,
        'query parameter "before" is not a valid cursor (use the feed\'s next link)',
      ]);
    }
    for (const name of ['q', 'source', 'tag']) {
      for (const value of ['%00', 'a%00b', '%07', '%0A'])
        expect(await refused(`${name}=${value}`), `${name}=${value}`).toEqual([
          400,
          `query parameter "${name}" contains control characters`,
        ]);
    }
    expect(await refused('q=a&q=b')).toEqual([400, 'query parameter "q" must be given once']);
    // An in-range cursor from before every story is a valid, empty page.
    const empty = await fetch(`${base}/feeds/all.json?before=${encodeCursor(new Date(Date.UTC(1, 0, 1)), 1)}`);
    expect(empty.status).toBe(200);
    expect(((await empty.json()) as JsonPage).items).toEqual([]);
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

    feeds.routes.set('/rss1.rdf', {
      body: fixture('rss1.rdf').replace(
        'Offshore wind auction draws record bids',
        'Offshore wind auction draws record bids from six developers',
      ),
    });
    await runPass(ctx, { ids: ['grid'] });
    const changed = await fetch(url, { headers: { 'if-none-match': etag } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
  });

  it('serves cached feeds while the database is unreachable (unknown parameters share them), 503 otherwise', async () => {
    const cached = await (await fetch(`${base}/feeds/all.rss?cb=1&limit=4`)).text();
    // A real database nobody answers for: the connection is refused.
    const unreachable = await openDatabase({ url: 'postgres://postgres@127.0.0.1:1/none' });
    stack.ctx = { ...ctx, database: unreachable };
    try {
      for (const url of [
        `${base}/feeds/all.rss`,
        `${base}/feeds/all.rss?cb=2`,
        `${base}/feeds/all.rss?utm_source=x&limit=04`,
      ]) {
        const stale = await fetch(url);
        expect(stale.status, url).toBe(200);
        expect(await stale.text()).toBe(cached);
      }
      const uncached = await fetch(`${base}/feeds/all.rss?limit=7`);
      expect(uncached.status).toBe(503);
      expect(uncached.headers.get('retry-after')).toBe('30');
      const page = await fetch(`${base}/`);
      expect(page.status).toBe(503);
      expect((await fetch(`${base}/readyz`)).status).toBe(503);
    } finally {
      stack.ctx = ctx;
      await unreachable.close();
    }
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  });

  it('a query the database refuses is a 500 logged as a failed request, not an outage', async () => {
    const lines: Record<string, unknown>[] = [];
    const log = pino(
      { level: 'info' },
      { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) },
    );
    const own = { ...ctx, log };
    const app = buildServer(() => own, { versionTtlMs: 0 });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    await ctx.database.db.execute(sql`alter table story_topics rename to story_topics_away`);
    try {
      const response = await fetch(`${url}/feeds/space.json?limit=9`);
      expect(response.status).toBe(500);
      expect(await response.text()).toBe('Internal error\n');
    } finally {
      await ctx.database.db.execute(sql`alter table story_topics_away rename to story_topics`);
      await app.close();
    }
    expect(lines.filter((l) => l.level === 50)).toEqual([
      expect.objectContaining({ msg: 'request failed', err: expect.stringContaining('story_topics') }),
    ]);
    expect(lines.some((l) => String(l.msg).includes('unreachable'))).toBe(false);
    expect((await fetch(`${base}/feeds/space.json?limit=9`)).status).toBe(200);
  });
});
