import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.js';
import { runPass } from '../../src/worker/pass.js';
import type { AppContext } from '../../src/worker/context.js';
import { testDatabases } from '../helpers/database.js';
import { xmlWellFormednessErrors } from '../helpers/feed-validators.js';
import { startStack, type Stack } from '../helpers/stack.js';

const TOKEN = 'test-metrics-token-0123456789';

/** A port on 127.0.0.1 where nothing listens (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

// What anyone on the network can see: no internal error text (it would let them scan ports through the service), no
// response a browser may sniff into another type, metrics only as configured.
describe.each(testDatabases())('the public HTTP surface on $name', (testDb) => {
  let stack: Stack;
  let ctx: AppContext;
  let base: string;
  let refusedPort: number;

  beforeAll(async () => {
    refusedPort = await closedPort();
    stack = await startStack(
      testDb,
      {
        '/ok.xml': {
          body: '<rss version="2.0"><channel><title>Fine</title><item><title>Harbour reopens</title><guid>1</guid></item></channel></rss>',
        },
        '/gone.xml': { status: 404 },
        '/big.xml': {
          body: `<rss version="2.0"><channel><title>Big</title>${Array.from(
            { length: 150 },
            (_, i) =>
              `<item><title>Long report ${i}</title><guid>big-${i}</guid><description>&lt;p&gt;${`Paragraph ${i} € ü. `.repeat(150)}&lt;/p&gt;</description></item>`,
          ).join('')}</channel></rss>`,
        },
      },
      (url) => `
sources:
  - { id: fine, url: "${url}/ok.xml" }
  - { id: missing, url: "${url}/gone.xml" }
  - { id: big, url: "${url}/big.xml" }
  - { id: refused, url: "http://127.0.0.1:${refusedPort}/feed.xml" }
`,
    );
    ({ ctx, base } = stack);
    await runPass(ctx, { force: true });
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('shows an error category on / and /api/sources, never the error text', async () => {
    const rows = await ctx.database.db.query.sources.findMany();
    // The detail is kept for the operator (logs, `tributary sources`).
    expect(rows.find((r) => r.id === 'refused')?.lastError).toContain(`127.0.0.1:${refusedPort}`);
    const api = (await (await fetch(`${base}/api/sources`)).json()) as {
      id: string;
      lastError: string | null;
      status: string;
    }[];
    expect(Object.fromEntries(api.map((s) => [s.id, [s.status, s.lastError]]))).toEqual({
      fine: ['ok', null],
      missing: ['failing', 'HTTP 404'],
      refused: ['failing', 'connection refused'],
      big: ['ok', null],
    });
    const page = await (await fetch(`${base}/`)).text();
    expect(page).toMatch(/<td class="failing">failing<\/td>.*<td>connection refused<\/td>/);
    expect(page).toMatch(/<td>HTTP 404<\/td>/);
    // The configured URL is the operator's to show; what the connection attempt said is not.
    for (const body of [page, JSON.stringify(api)]) {
      expect(body).not.toContain(rows.find((r) => r.id === 'refused')!.lastError);
      expect(body).not.toMatch(/ECONNREFUSED|connect /);
    }
  });

  it('sends X-Content-Type-Options: nosniff on every response, and a strict CSP on the status page', async () => {
    const unreachable = await openDatabase({ url: `postgres://postgres@127.0.0.1:${refusedPort}/none` });
    const responses = [
      ...(await Promise.all(
        [
          '/',
          '/feeds/all.rss',
          '/feeds/all.json?limit=0',
          '/feeds/nope.atom',
          '/nowhere',
          '/opml',
          '/api/sources',
          '/healthz',
          '/readyz',
          '/metrics',
        ].map(async (path) => [path, await fetch(`${base}${path}`)] as const),
      )),
    ];
    stack.ctx = { ...ctx, database: unreachable };
    try {
      responses.push([`/feeds/all.rss?limit=3 (database down)`, await fetch(`${base}/feeds/all.rss?limit=3`)]);
    } finally {
      stack.ctx = ctx;
      await unreachable.close();
    }
    expect(responses.map(([path, r]) => [path, r.status])).toEqual([
      ['/', 200],
      ['/feeds/all.rss', 200],
      ['/feeds/all.json?limit=0', 400],
      ['/feeds/nope.atom', 404],
      ['/nowhere', 404],
      ['/opml', 200],
      ['/api/sources', 200],
      ['/healthz', 200],
      ['/readyz', 200],
      ['/metrics', 200],
      ['/feeds/all.rss?limit=3 (database down)', 503],
    ]);
    for (const [path, response] of responses)
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
    const csp = responses[0]![1].headers.get('content-security-policy')!;
    expect(csp).toMatch(
      /^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/]+={0,2}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'$/,
    );
    expect(csp).not.toMatch(/script-src|unsafe/);
  });

  it('restricts /metrics to a bearer token when one is configured', async () => {
    stack.ctx = { ...ctx, config: { ...ctx.config, metrics: { token: TOKEN, loopbackOnly: false } } };
    try {
      const anonymous = await fetch(`${base}/metrics`);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
      expect(await anonymous.text()).not.toContain('tributary_');
      expect(
        (await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status,
      ).toBe(401);
      const allowed = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(allowed.status).toBe(200);
      expect(await allowed.text()).toContain('tributary_sources_failing');
      // The test connects over loopback: loopbackOnly admits it (and refusing others is unit-tested).
      stack.ctx = { ...ctx, config: { ...ctx.config, metrics: { loopbackOnly: true } } };
      expect((await fetch(`${base}/metrics`)).status).toBe(200);
    } finally {
      stack.ctx = ctx;
    }
  });

  it('serves a feed bigger than one buffer whole, with its length, to GET and HEAD', async () => {
    for (let round = 0; round < 2; round++) {
      // The first request renders, the second is served from the cache.
      const response = await fetch(`${base}/feeds/all.rss?limit=200`);
      const body = Buffer.from(await response.arrayBuffer());
      expect(body.length).toBeGreaterThan(400_000);
      expect(Number(response.headers.get('content-length'))).toBe(body.length);
      expect(await xmlWellFormednessErrors(body.toString())).toEqual([]);
      expect(body.toString().match(/<item>/g)).toHaveLength(151);
      expect(body.toString()).toContain(`Paragraph 149 € ü. `);
    }
    const head = await fetch(`${base}/feeds/all.rss?limit=200`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(Number(head.headers.get('content-length'))).toBeGreaterThan(400_000);
    expect(await head.text()).toBe('');
  });
});
