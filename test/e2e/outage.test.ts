import type { ServerResponse } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rssItem } from '../fixtures/bad-sources.js';
import { freshPostgresUrl } from '../helpers/database.js';
import { startFixtureServer, type FixtureServer } from '../helpers/fixture-server.js';
import { startTributary, type RunningTributary } from '../helpers/process.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { missingPostgres } from '../helpers/requirements.js';
import { until } from '../helpers/until.js';

const adminUrl = process.env.TEST_DATABASE_URL;

/** The service's database connection goes through a TCP proxy the test cuts and restores; the shared server is never stopped. */
describe.skipIf(missingPostgres('the database outage test'))('database outage', () => {
  let dir: string;
  let feeds: FixtureServer;
  let proxy: TcpProxy;
  let database: { url: string; drop(): Promise<void> };
  let service: RunningTributary;

  afterAll(async () => {
    await service?.stop();
    await proxy?.close();
    await feeds?.close();
    await database?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('serves from cache while the database is away, recovers on its own and stores what it fetches afterwards', async () => {
    let releaseSlow: (() => void) | undefined;
    feeds = await startFixtureServer({
      '/steady.xml': {
        headers: { 'content-type': 'application/rss+xml' },
        body: `<rss version="2.0"><channel><title>Steady</title>${rssItem('steady-1', 'Steady feed reports a frigate launch')}</channel></rss>`,
      },
      // Answers only when the test says so: its items arrive while the database is away.
      '/late.xml': (_req: unknown, res: ServerResponse) => {
        releaseSlow = () =>
          res
            .writeHead(200, { 'content-type': 'application/rss+xml' })
            .end(
              `<rss version="2.0"><channel><title>Late</title>${rssItem('late-1', 'Late feed brings the satellite handover story')}</channel></rss>`,
            );
      },
    });
    database = await freshPostgresUrl(adminUrl!);
    const target = new URL(database.url);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const viaProxy = new URL(database.url);
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    dir = mkdtempSync(join(tmpdir(), 'tributary-outage-'));
    writeFileSync(
      join(dir, 'sources.yaml'),
      `sources:\n  - { id: steady, url: "${feeds.url}/steady.xml" }\n  - { id: late, url: "${feeds.url}/late.xml" }\n`,
    );
    service = startTributary(['serve'], {
      DATABASE_URL: viaProxy.href,
      CONFIG: join(dir, 'sources.yaml'),
      TICK_SECONDS: '1',
      LEASE_SECONDS: '3',
    });
    const base = await service.baseUrl();
    await service.waitForLog((l) => l.msg === 'fetched' && l.source === 'steady');
    await until('late feed requested', async () => releaseSlow);
    const cached = await (await fetch(`${base}/feeds/all.rss`)).text();
    expect(cached).toContain('Steady feed reports a frigate launch');

    proxy.cut();
    releaseSlow!();
    // The late feed's items cannot be stored: the whole store is rolled back, nothing half-written.
    await service.waitForLog((l) => l.msg === 'fetch failed' && l.source === 'late');
    expect((await fetch(`${base}/readyz`)).status).toBe(503);
    const fromCache = await fetch(`${base}/feeds/all.rss`);
    expect(fromCache.status).toBe(200);
    expect(await fromCache.text()).toBe(cached);
    const uncached = await fetch(`${base}/feeds/all.json?limit=7`);
    expect(uncached.status).toBe(503);
    expect(uncached.headers.get('retry-after')).toBeTruthy();
    // Ticks keep coming and failing while the database is away, and the process rides them out.
    const failedPasses = () => service.logs.filter((l) => l.msg === 'scheduler pass failed').length;
    const failedBefore = failedPasses();
    await until('two scheduler passes failed during the outage', () =>
      failedPasses() >= failedBefore + 2 ? true : undefined,
    );
    expect(service.child.exitCode).toBeNull();

    proxy.restore();
    await until('ready again', async () => ((await fetch(`${base}/readyz`)).status === 200 ? true : undefined));
    // After its lease runs out the late source is fetched again, now with a database to store into.
    feeds.routes.set('/late.xml', {
      headers: { 'content-type': 'application/rss+xml' },
      body: `<rss version="2.0"><channel><title>Late</title>${rssItem('late-1', 'Late feed brings the satellite handover story')}</channel></rss>`,
    });
    const json = await until('late story stored', async () => {
      const body = (await (await fetch(`${base}/feeds/all.json`)).json()) as { items: { title: string }[] };
      return body.items.some((i) => i.title.startsWith('Late feed')) ? body : undefined;
    });
    expect(json.items.map((i) => i.title).sort()).toEqual([
      'Late feed brings the satellite handover story',
      'Steady feed reports a frigate launch',
    ]);
    expect(
      service.logs.some(
        (l) => l.msg === 'scheduler pass failed' || (l.msg === 'fetch failed' && String(l.err).startsWith('database')),
      ),
    ).toBe(true);
  }, 90_000);
});
