import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterEach, describe, expect, it } from 'vitest';
import { rssItem } from '../fixtures/bad-sources.js';
import { original, wireCopy } from '../fixtures/dedup/pairs.js';
import { GROUPS } from '../fixtures/dedup/stories.js';
import { freshPostgresUrl } from '../helpers/database.js';
import { startFixtureServer, type FixtureServer } from '../helpers/fixture-server.js';
import { startTributary, type RunningTributary } from '../helpers/process.js';
import { missingPostgres } from '../helpers/requirements.js';
import { until } from '../helpers/until.js';

const adminUrl = process.env.TEST_DATABASE_URL;

/** N sources on one host; each answer takes `delayMs`, and every request's time is recorded per source. */
async function slowFarm(count: number, delayMs: number) {
  const times = new Map<string, number[]>();
  const routes = Object.fromEntries(
    Array.from({ length: count }, (_, i) => [
      `/s/${i}.xml`,
      (_req: unknown, res: import('node:http').ServerResponse) => {
        times.set(`s${i}`, [...(times.get(`s${i}`) ?? []), Date.now()]);
        setTimeout(
          () =>
            res
              .writeHead(200, { 'content-type': 'application/rss+xml' })
              .end(
                `<rss version="2.0"><channel><title>S${i}</title>${rssItem(`s${i}-1`, `Station ${i} reports a routine orbit adjustment number ${i * 31}`)}</channel></rss>`,
              ),
          delayMs,
        );
      },
    ]),
  );
  const server = await startFixtureServer(routes);
  return { server, times };
}

/** Three `tributary worker` processes, one real Postgres, sources on 127.0.0.1. Needs the server: CI sets TEST_DATABASE_URL. */
describe.skipIf(missingPostgres('the scale-out test (three worker processes)'))(
  'scale-out: several workers share one database',
  () => {
    let dir: string;
    let farm: FixtureServer;
    let database: { url: string; drop(): Promise<void> };
    let workers: RunningTributary[] = [];

    const start = async (
      count: number,
      delayMs: number,
      env: Record<string, string>,
      made?: Awaited<ReturnType<typeof slowFarm>>,
    ) => {
      made ??= await slowFarm(count, delayMs);
      farm = made.server;
      dir = mkdtempSync(join(tmpdir(), 'tributary-scale-'));
      const sources = Array.from(
        { length: count },
        (_, i) => `  - { id: s${i}, url: "${farm.url}/s/${i}.xml", interval: 1m }`,
      ).join('\n');
      // Four in flight per worker, twelve per host: one worker cannot take the whole host, so the three share it.
      writeFileSync(
        join(dir, 'sources.yaml'),
        `defaults: { concurrency: 4, perHostConcurrency: 12 }\nsources:\n${sources}\n`,
      );
      database = await freshPostgresUrl(adminUrl!);
      const base = { DATABASE_URL: database.url, CONFIG: join(dir, 'sources.yaml'), TICK_SECONDS: '1', ...env };
      // All three start at once on an empty database: migrating and syncing the sources must not race.
      workers = [0, 1, 2].map(() => startTributary(['worker'], base));
      await Promise.all(workers.map((w) => w.waitForLog((l) => l.msg === 'listening')));
      return made.times;
    };

    afterEach(async () => {
      await Promise.all(workers.map((w) => w.stop()));
      workers = [];
      await farm?.close();
      await database?.drop();
      rmSync(dir, { recursive: true, force: true });
    });

    const fetchedBy = (worker: RunningTributary) =>
      worker.logs.filter((l) => l.msg === 'fetched').map((l) => String(l.source));

    it('fetches every source exactly once per interval, spread over the workers', async () => {
      const times = await start(30, 200, {});
      // Polls at start (spread over a few seconds), then one interval (1 min ± 10 %) later; the third is ≥ 108 s out.
      await until(
        'every source polled twice',
        () =>
          Array.from({ length: 30 }, (_, i) => times.get(`s${i}`)?.length ?? 0).every((n) => n >= 2) ? true : undefined,
        100_000,
      );
      for (let i = 0; i < 30; i++) {
        const hits = times.get(`s${i}`) ?? [];
        expect(hits, `s${i}`).toHaveLength(2);
        expect(hits[1]! - hits[0]!, `s${i} waited its interval`).toBeGreaterThanOrEqual(53_000);
      }
      // The second round's requests are in; their stores and log lines follow.
      const all = await until('60 fetches logged', () => {
        const logged = workers.flatMap(fetchedBy);
        return logged.length >= 60 ? logged : undefined;
      });
      expect(all).toHaveLength(60);
      expect(workers.filter((w) => fetchedBy(w).length > 0).length).toBeGreaterThanOrEqual(2);

      // Each replica answers health checks and Prometheus scrapes with its own counts, and serves no feeds.
      for (const worker of workers) {
        const url = String((await worker.waitForLog((l) => l.msg === 'listening')).url);
        const text = await (await fetch(`${url}metrics`)).text();
        const fetches = [...text.matchAll(/^tributary_fetches_total\{[^}]*outcome="ok"\} (\d+)$/gm)].reduce(
          (n, m) => n + Number(m[1]),
          0,
        );
        expect(fetches).toBe(fetchedBy(worker).length);
        expect(text).toMatch(/^tributary_db_pool_max 10$/m);
        expect(text).toMatch(/^tributary_db_connections\{state="idle"\} [1-9]/m);
        expect(text).toMatch(/^tributary_scheduler_lag_seconds_count \d+$/m);
        expect((await fetch(`${url}healthz`)).status).toBe(200);
        expect((await fetch(`${url}feeds/all.rss`)).status).toBe(404);
      }
    }, 120_000);

    it('makes one story of copies that several workers store at the same moment', async () => {
      // Eight outlets carry the same three reports (alternately the original and a wire copy). The farm holds every
      // answer until all eight requests have arrived, then sends them together: the three workers store at once.
      const reports = GROUPS.flat().slice(0, 3);
      const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
      const feed = (i: number) =>
        `<rss version="2.0"><channel><title>Outlet ${i}</title>${reports
          .map((report, r) => {
            const copy = (i + r) % 2 === 0 ? original(report) : wireCopy(report);
            return (
              `<item><title>${escape(copy.title)}</title><link>https://outlet${i}.example/${r}</link><guid>o${i}-${r}</guid>` +
              `<pubDate>Thu, 05 Nov 2026 1${r}:0${i}:00 GMT</pubDate><description>${escape(copy.html)}</description></item>`
            );
          })
          .join('')}</channel></rss>`;
      const held: (() => void)[] = [];
      let released = false;
      const routes = Object.fromEntries(
        Array.from({ length: 8 }, (_, i) => [
          `/s/${i}.xml`,
          (_req: unknown, res: import('node:http').ServerResponse) => {
            const send = () => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(feed(i));
            if (released) return send();
            held.push(send);
            if (held.length === 8) {
              released = true;
              for (const answer of held.splice(0)) answer();
            }
          },
        ]),
      );
      await start(8, 0, {}, { server: await startFixtureServer(routes), times: new Map() });
      const sql = postgres(database.url, { max: 1, onnotice: () => {} });
      try {
        await until(
          'every outlet stored',
          async () => {
            const [row] = await sql<{ stored: number }[]>`select count(*)::int as stored from articles`;
            return row!.stored === 24 ? true : undefined;
          },
          60_000,
        );
        await until('every fetch logged', () => (workers.flatMap(fetchedBy).length === 8 ? true : undefined), 30_000);
        expect(
          workers.filter((w) => fetchedBy(w).length > 0).length,
          'the outlets were spread over the workers',
        ).toBeGreaterThanOrEqual(2);
        // Merges run right after each store's commit: wait until the story count settles at what it must be.
        const stories = await until(
          'one story per report',
          async () => {
            const rows = await sql<{ title: string; articles: number }[]>`
          select s.title, count(a.id)::int as articles from stories s join articles a on a.story_id = s.id group by s.id, s.title order by s.title`;
            return rows.length === 3 ? rows : undefined;
          },
          30_000,
        ).catch(
          async () => sql<{ title: string; articles: number }[]>`
          select s.title, count(a.id)::int as articles from stories s join articles a on a.story_id = s.id group by s.id, s.title order by s.title`,
        );
        expect(stories.map((s) => s.articles)).toEqual([8, 8, 8]);
        const [orphans] = await sql<{ n: number }[]>`select count(*)::int as n from articles where story_id is null`;
        expect(orphans!.n).toBe(0);
      } finally {
        await sql.end();
      }
    }, 120_000);

    it('picks up the sources of a worker killed mid-pass once its leases expire', async () => {
      // Lease 8 s, so a survivor's own refresh (2.5 s answer, then its store) ends well inside its deadline (6.4 s)
      // even on a loaded machine, and is never taken over by another worker.
      const times = await start(12, 2500, { LEASE_SECONDS: '8' });
      const sql = postgres(database.url, { max: 1, onnotice: () => {} });
      try {
        // Wait until some worker holds leases, then kill it without a chance to give them back.
        type Lease = { id: string; lease_owner: string; lease_until: Date };
        const { victim, leases } = await until(
          'a worker holding leases',
          async () => {
            const owners = await sql<
              Lease[]
            >`select id, lease_owner, lease_until from sources where lease_until > now()`;
            const holder = workers.find((w) => owners.some((o) => o.lease_owner.startsWith(`${w.child.pid}-`)));
            return holder
              ? { victim: holder, leases: owners.filter((o) => o.lease_owner.startsWith(`${holder.child.pid}-`)) }
              : undefined;
          },
          10_000,
        );
        expect(leases.length).toBeGreaterThan(0);
        victim.child.kill('SIGKILL');
        const killedAt = Date.now();
        await victim.exited;
        // The victim may have leased more between the look above and its death: those wait for expiry too.
        const owner = `${victim.child.pid}-%`;
        for (const late of await sql<
          Lease[]
        >`select id, lease_owner, lease_until from sources where lease_owner like ${owner} and lease_until > now()`) {
          if (!leases.some((l) => l.id === late.id)) leases.push(late);
        }
        const leased = leases.map((l) => l.id);

        // Everything is fetched by the survivors: the victim's sources once their 8 s lease has run out.
        await until('every source fetched', async () => {
          const [row] = await sql<
            { pending: number }[]
          >`select count(*)::int as pending from sources where last_success_at is null`;
          return row!.pending === 0 ? true : undefined;
        });
        const rows = await sql<
          { id: string; last_success_at: Date | null; lease_owner: string | null }[]
        >`select id, last_success_at, lease_owner from sources`;
        expect(rows.filter((r) => r.last_success_at === null).map((r) => r.id)).toEqual([]);
        for (const { id, lease_until: until } of leases) {
          // The victim may or may not have sent its request before dying; the survivor's comes after the lease.
          const hits = times.get(id)!;
          expect(hits.length, `${id} fetched by the victim at most once, then by a survivor`).toBeLessThanOrEqual(2);
          expect(hits.at(-1)!, `${id} waited for the lease`).toBeGreaterThanOrEqual(until.getTime() - 50);
          expect(hits.at(-1)!).toBeGreaterThan(killedAt);
        }
        const survivors = workers.filter((w) => w !== victim).flatMap(fetchedBy);
        for (const id of leased) expect(survivors).toContain(id);
        // No source fetched twice apart from the victim's.
        for (const [id, hits] of times) if (!leased.includes(id)) expect(hits, id).toHaveLength(1);
      } finally {
        await sql.end();
      }
    }, 120_000);
  },
);
