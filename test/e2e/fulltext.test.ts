import type { LookupAddress } from 'node:dns';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { articles } from '../../src/db/schema.js';
import { guardedLookup } from '../../src/fetcher/address-guard.js';
import { metrics } from '../../src/metrics/registry.js';
import pino from 'pino';
import { runPass } from '../../src/worker/pass.js';
import type { AppContext } from '../../src/worker/context.js';
import { contextFromYaml } from '../helpers/context.js';
import { testDatabases } from '../helpers/database.js';
import { startFixtureServer, type FixtureServer } from '../helpers/fixture-server.js';

const PAGE = (body: string) => `<!doctype html><html><head><title>x</title></head><body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<div class="content"><p>${body}</p><p>${'The second paragraph carries the rest of the report in enough detail to matter. '.repeat(4)}</p>
<p>ADVERTISEMENT</p><p>All rights reserved. Copyright Agence France-Presse.</p></div>
<aside><ul><li><a href="/a">Other headline one</a></li><li><a href="/b">Other headline two</a></li></ul></aside>
<script>track()</script></body></html>`;

// Stand-ins for DNS: "redirector.test" plays a public host (served here on loopback), "sneaky.test" a public-looking
// name that resolves to loopback, which the guard must refuse.
const fakeResolve = (
  hostname: string,
  callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => {
  if (hostname === 'redirector.test' || hostname === 'sneaky.test')
    return callback(null, [{ address: '127.0.0.1', family: 4 }]);
  const err: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
  err.code = 'ENOTFOUND';
  callback(err, []);
};
const lookup = guardedLookup(fakeResolve, new Set(['redirector.test']));

describe.each(testDatabases())('full text and SSRF protection on $name', (testDb) => {
  let server: FixtureServer;
  let database: Database;
  let ctx: AppContext;
  let port: string;
  const logged: Record<string, unknown>[] = [];
  let errorsCounted = 0;
  const fullTextErrors = async () =>
    (await metrics.fullTextErrors.get()).values.find((v) => v.labels.source === 'untrusted')?.value ?? 0;

  beforeAll(async () => {
    server = await startFixtureServer();
    port = new URL(server.url).port;
    const item = (guid: string, link: string) =>
      `<item><title>Report ${guid}</title><guid>${guid}</guid><link>${link}</link><description>Short excerpt ${guid}.</description></item>`;
    server.routes.set('/untrusted.xml', {
      body: `<rss version="2.0"><channel><title>Untrusted</title>
${item('loopback', `http://127.0.0.1:${port}/secret-1`)}
${item('ipv6-loopback', `http://[::1]:${port}/secret-2`)}
${item('private', 'http://10.0.0.1/secret-3')}
${item('metadata', 'http://169.254.169.254/latest/meta-data/')}
${item('mapped', `http://[::ffff:127.0.0.1]:${port}/secret-7`)}
${item('decimal', `http://2130706433:${port}/secret-8`)}
${item('redirect-literal', `http://redirector.test:${port}/go-literal`)}
${item('redirect-name', `http://redirector.test:${port}/go-name`)}
${item('public', `http://redirector.test:${port}/article`)}
</channel></rss>`,
    });
    server.routes.set('/trusted.xml', {
      body: `<rss version="2.0"><channel><title>Trusted</title>
${item('intranet', `http://127.0.0.1:${port}/intranet-article`)}</channel></rss>`,
    });
    server.routes.set('/go-literal', { status: 302, headers: { location: `http://127.0.0.1:${port}/secret-5` } });
    server.routes.set('/go-name', { status: 302, headers: { location: `http://sneaky.test:${port}/secret-6` } });
    server.routes.set('/article', {
      headers: { 'content-type': 'text/html' },
      body: PAGE('The public article body is fetched in full.'),
    });
    server.routes.set('/intranet-article', {
      headers: { 'content-type': 'text/html' },
      body: PAGE('An intranet article the operator allowed.'),
    });
    for (const path of ['/secret-1', '/secret-2', '/secret-5', '/secret-6', '/secret-7', '/secret-8'])
      server.routes.set(path, { body: PAGE('SECRET') });

    database = await testDb.open();
    ctx = await contextFromYaml(
      `
sources:
  - { id: untrusted, url: "${server.url}/untrusted.xml", fullText: true }
  - { id: trusted, url: "${server.url}/trusted.xml", fullText: true, allowPrivateNetwork: true, selector: "div.content" }
`,
      database,
    );
    ctx.log = pino(
      { level: 'info' },
      {
        write: (line: string) => {
          logged.push(JSON.parse(line) as Record<string, unknown>);
        },
      },
    );
    const before = await fullTextErrors();
    await runPass(ctx, { force: true, lookup });
    errorsCounted = (await fullTextErrors()) - before;
  });

  afterAll(async () => {
    await database?.close();
    await server?.close();
  });

  it('never requests private, loopback or link-local article links, nor follows redirects there', () => {
    for (const path of ['/secret-1', '/secret-2', '/secret-5', '/secret-6', '/secret-7', '/secret-8'])
      expect(server.hits.get(path) ?? 0, path).toBe(0);
    expect(server.hits.get('/go-literal')).toBe(1);
    expect(server.hits.get('/go-name')).toBe(1);
  });

  it('stores the refused items with their feed excerpt, and the public one with its full text', async () => {
    const rows = await database.db
      .select({ guid: articles.guid, text: articles.text, html: articles.contentHtml })
      .from(articles)
      .where(eq(articles.sourceId, 'untrusted'));
    const byGuid = Object.fromEntries(rows.map((r) => [r.guid, r]));
    expect(Object.keys(byGuid).sort()).toEqual([
      'decimal',
      'ipv6-loopback',
      'loopback',
      'mapped',
      'metadata',
      'private',
      'public',
      'redirect-literal',
      'redirect-name',
    ]);
    expect(byGuid.loopback!.text).toBe('Short excerpt loopback.');
    expect(byGuid.metadata!.text).toBe('Short excerpt metadata.');
    expect(byGuid.public!.text).toMatch(/^The public article body is fetched in full\.\nThe second paragraph/);
    expect(byGuid.public!.text).not.toMatch(/ADVERTISEMENT|Copyright|Other headline|Home/);
    expect(byGuid.public!.html).not.toMatch(/<script|<nav/);
  });

  it('logs and counts every article page it refused or could not fetch', () => {
    const refused = logged.filter((l) => l.msg === 'full text not fetched: keeping the feed content');
    expect(refused.map((l) => l.source)).toEqual(Array(8).fill('untrusted'));
    expect(refused.find((l) => l.url === 'http://169.254.169.254/latest/meta-data/')?.err).toMatch(
      /refused to connect/,
    );
    expect(errorsCounted).toBe(8);
  });

  it('fetches private addresses for a source that allows them, using its selector', async () => {
    const [row] = await database.db
      .select({ text: articles.text })
      .from(articles)
      .where(eq(articles.sourceId, 'trusted'));
    expect(row!.text).toMatch(/^An intranet article the operator allowed\./);
    expect(server.hits.get('/intranet-article')).toBe(1);
  });

  it('does not refetch pages for items already stored', async () => {
    await runPass(ctx, { force: true, lookup });
    expect(server.hits.get('/article')).toBe(1);
    expect(server.hits.get('/intranet-article')).toBe(1);
  });
});
