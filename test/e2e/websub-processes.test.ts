import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySignature } from '../../src/websub/signature.js';
import { freshPostgresUrl } from '../helpers/database.js';
import { startFixtureServer, type FixtureServer } from '../helpers/fixture-server.js';
import { startTributary, type RunningTributary } from '../helpers/process.js';
import { missingPostgres, postgresAdminUrl } from '../helpers/requirements.js';
import { until } from '../helpers/until.js';
import { startSubscriber, type TestSubscriber } from '../helpers/websub-subscriber.js';

function rss(titles: string[]): string {
  const items = titles.map(
    (title, i) => `<item><title>${title}</title><link>https://wire.example/${i}</link><guid>${title}</guid>
<pubDate>${new Date(Date.UTC(2026, 10, 20 - i)).toUTCString()}</pubDate><description>${title}, told in words of its own, number ${i}.</description></item>`,
  );
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title><link>https://wire.example/</link><description>w</description>${items.join('')}</channel></rss>`;
}

/**
 * The deployment the delivery design is for: a `web` process taking subscriptions, two `worker` processes running
 * passes and deliveries, and a one-off `tributary fetch`, all on one Postgres. Needs the server (TEST_DATABASE_URL).
 */
describe.skipIf(missingPostgres('the WebSub multi-process test'))(
  'WebSub across web, worker and fetch processes',
  { timeout: 120_000 },
  () => {
    let dir: string;
    let feeds: FixtureServer;
    let subscriber: TestSubscriber;
    let database: { url: string; drop(): Promise<void> };
    let sql: postgres.Sql;
    let env: Record<string, string>;
    const processes: RunningTributary[] = [];

    beforeAll(async () => {
      feeds = await startFixtureServer({ '/wire.xml': { body: rss(['First story']) } });
      subscriber = await startSubscriber();
      dir = mkdtempSync(join(tmpdir(), 'tributary-websub-'));
      writeFileSync(
        join(dir, 'sources.yaml'),
        `sources:\n  - { id: wire, url: "${feeds.url}/wire.xml" }\noutput:\n  websub: { allowPrivateCallbacks: true }\n`,
      );
      database = await freshPostgresUrl(postgresAdminUrl!);
      env = { DATABASE_URL: database.url, CONFIG: join(dir, 'sources.yaml'), TICK_SECONDS: '1' };
      sql = postgres(database.url, { max: 1, onnotice: () => {} });
    });
    afterAll(async () => {
      await Promise.all(processes.map((p) => p.stop()));
      await sql?.end();
      await database?.drop();
      await feeds?.close();
      await subscriber?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('takes a subscription at the web process and delivers a change made by `tributary fetch` once, from a worker', async () => {
      const web = startTributary(['web'], env);
      processes.push(web);
      const base = await web.baseUrl();
      const workers = [startTributary(['worker'], env), startTributary(['worker'], env)];
      processes.push(...workers);
      await Promise.all(workers.map((w) => w.waitForLog((l) => l.msg === 'listening')));

      const topic = `${base}/feeds/all.rss`;
      const response = await fetch(`${base}/websub`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          'hub.mode': 'subscribe',
          'hub.topic': topic,
          'hub.callback': `${subscriber.url}/reader`,
          'hub.secret': 'shh',
        }).toString(),
      });
      expect(response.status).toBe(202);
      await until(
        'the subscription stored',
        async () => (await sql`select 1 from websub_subscriptions`).length === 1 || undefined,
      );

      feeds.routes.set('/wire.xml', { body: rss(['Second story', 'First story']) });
      const fetchRun = startTributary(['fetch'], env);
      processes.push(fetchRun);
      expect((await fetchRun.exited).code).toBe(0);

      const [delivery] = await until('the delivery', () => subscriber.deliveries[0] && subscriber.deliveries);
      expect(delivery!.body.toString('utf8')).toContain('Second story');
      expect(verifySignature('shh', delivery!.body, delivery!.headers['x-hub-signature'] as string)).toBe(true);
      await until(
        'the delivery recorded',
        async () =>
          (
            await sql`select 1 from websub_subscriptions where last_delivered_at is not null and pending_digest is null and claim_until is null`
          ).length === 1 || undefined,
      );
      expect(subscriber.deliveries).toHaveLength(1);
    });
  },
);
