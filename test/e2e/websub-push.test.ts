import { connect, type Socket } from 'node:net';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sources, websubSourceSubscriptions } from '../../src/db/schema.js';
import { PUSHES_AT_ONCE } from '../../src/http/routes/websub-callback.js';
import { queryStories } from '../../src/storage/stories.js';
import { signBody } from '../../src/websub/signature.js';
import { FORGE_ATOM_TITLE, FORGE_RSS_TITLE, HOSTILE_RSS, SCRIPT_TITLE } from '../fixtures/hostile-output.js';
import { testDatabases } from '../helpers/database.js';
import { VALIDATOR_TIMEOUT, feedValidityErrors, readWithFeedparser } from '../helpers/feed-validators.js';
import { withDelivery } from '../helpers/context.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { until } from '../helpers/until.js';

const SECRET = 'a-secret-the-hub-and-we-share';
const TOPIC = 'https://wire.example/feed.xml';

/** A push whose body never ends, on its own connection: its status once the server answers (without the body read). */
function startPush(url: string): { socket: Socket; status: Promise<number> } {
  const { hostname, port, pathname } = new URL(url);
  const socket = connect(Number(port), hostname);
  const status = new Promise<number>((resolve, reject) => {
    let head = '';
    socket.on('data', (chunk: Buffer) => {
      head += chunk.toString('latin1');
      const match = /^HTTP\/1\.1 (\d{3})/.exec(head);
      if (match) resolve(Number(match[1]));
    });
    socket.on('error', reject);
  });
  status.catch(() => {});
  socket.write(
    `POST ${pathname} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: application/rss+xml\r\n` +
      `Content-Length: ${8 * 1024 * 1024}\r\n\r\n<?xml version="1.0"?><rss version="2.0"><channel>`,
  );
  return { socket, status };
}

function rss(count: number, prefix = 'Pushed story'): string {
  const items = Array.from(
    { length: count },
    (_, i) => `<item><title>${prefix} ${i}</title><link>https://wire.example/${i}</link>
<guid>${prefix}-${i}</guid><pubDate>${new Date(Date.UTC(2026, 10, 20, 12, -i)).toUTCString()}</pubDate>
<description>${prefix} ${i}: a report about something in enough words to stand as a story of its own, number ${i}.</description></item>`,
  );
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title><link>https://wire.example/</link><description>w</description>${items.join('')}</channel></rss>`;
}

// Content a source's hub pushes to /websub/callback/<source> is a stranger's document like a fetched one: the same
// limits, sanitization and health records apply, and only a subscription we asked for lately is confirmed.
describe.each(testDatabases())(
  "content pushed by a source's hub on $name",
  { timeout: VALIDATOR_TIMEOUT },
  (testDb) => {
    let stack: Stack;
    let callback: string;

    const push = (body: string, secret = SECRET) =>
      fetch(callback, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/rss+xml', 'x-hub-signature': signBody(secret, Buffer.from(body)) },
      });
    const source = async () => (await stack.database.db.select().from(sources).where(eq(sources.id, 'wire')))[0]!;
    const subscription = async () => (await stack.database.db.select().from(websubSourceSubscriptions))[0]!;
    const setSubscription = (fields: Partial<typeof websubSourceSubscriptions.$inferInsert>) =>
      stack.database.db
        .update(websubSourceSubscriptions)
        .set(fields)
        .where(eq(websubSourceSubscriptions.sourceId, 'wire'));

    beforeAll(async () => {
      stack = await startStack(
        testDb,
        {},
        (url) => `
sources:
  - { id: wire, url: "${url}/wire.xml", maxBytes: 32KiB, maxItems: 5 }
`,
      );
      callback = `${stack.base}/websub/callback/wire`;
      await stack.database.db.insert(websubSourceSubscriptions).values({
        sourceId: 'wire',
        hub: 'https://hub.example/',
        topic: TOPIC,
        secret: SECRET,
        state: 'requested',
      });
    });
    afterAll(async () => {
      await stack?.close();
    });

    it('answers a source id that is no source, whatever it holds, as no subscription (never a 5xx)', async () => {
      for (const id of ['%00', 'wire%00', 'WIRE', '%F0', 'a%2Fb', 'x'.repeat(300), "wire'--"]) {
        const url = `${stack.base}/websub/callback/${id}`;
        // 400 where the path is not even valid percent-encoding, 414 where it is longer than a route parameter may be.
        const pushed = await fetch(url, {
          method: 'POST',
          body: rss(1),
          headers: { 'content-type': 'application/rss+xml' },
        });
        expect([400, 410, 414], id).toContain(pushed.status);
        const verification = await fetch(
          `${url}?hub.mode=subscribe&hub.topic=${encodeURIComponent(TOPIC)}&hub.challenge=c`,
        );
        expect([400, 404, 414], id).toContain(verification.status);
      }
    });

    it('refuses content for a subscription the hub has not verified (410), storing nothing', async () => {
      expect((await push(rss(1))).status).toBe(410);
      expect(await queryStories(stack.database.db, { limit: 10 })).toEqual([]);
    });

    it('confirms a verification only for a request sent lately, and never grants a lease longer than asked', async () => {
      const verify = (lease: string) =>
        fetch(
          `${callback}?${new URLSearchParams({
            'hub.mode': 'subscribe',
            'hub.topic': TOPIC,
            'hub.challenge': 'c1',
            'hub.lease_seconds': lease,
          })}`,
        );
      // A stranger's GET long after our request must not make the subscription active (and polling relaxed).
      await setSubscription({ requestedAt: new Date(Date.now() - 3_600_000) });
      expect((await verify('600')).status).toBe(404);
      expect((await subscription()).state).toBe('requested');

      await setSubscription({ requestedAt: new Date() });
      const response = await verify('9007199254740991');
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('c1');
      const row = await subscription();
      expect(row.state).toBe('active');
      const asked = stack.ctx.config.output.websub.subscribe.leaseSeconds;
      expect(row.leaseSeconds).toBe(asked);
      expect(row.expiresAt!.getTime()).toBeLessThanOrEqual(Date.now() + asked * 1000);
    });

    it('takes in hostile pushed titles as text: every format stays valid and carries exactly the stored entries', async () => {
      const before = Date.now();
      expect((await push(HOSTILE_RSS)).status).toBe(202);
      const stored = await queryStories(stack.database.db, { limit: 50 });
      expect(stored.map((s) => s.title)).toEqual(
        expect.arrayContaining([FORGE_RSS_TITLE, FORGE_ATOM_TITLE, SCRIPT_TITLE]),
      );
      for (const format of ['rss', 'atom', 'json'] as const) {
        const body = await (await fetch(`${stack.base}/feeds/all.${format}?limit=50`)).text();
        expect(await feedValidityErrors(format, body), format).toEqual([]);
        // JSON Feed titles are plain text; in XML a tag would be markup.
        if (format !== 'json') expect(body, format).not.toMatch(/<script/i);
        const titles =
          format === 'json'
            ? (JSON.parse(body) as { items: { title: string }[] }).items.map((i) => i.title)
            : (await readWithFeedparser(body)).entries.map((e) => e.title);
        expect(titles, format).toHaveLength(stored.length);
        expect(titles, format).not.toContain('FORGED item');
      }
      // The source's health says it was heard from, as after a fetch.
      const health = await source();
      expect(health.lastSuccessAt!.getTime()).toBeGreaterThanOrEqual(before - 1000);
      expect(health.lastError).toBeNull();
      expect(health.itemsSeen).toBeGreaterThan(0);
    });

    it("keeps at most the source's maxItems of a push, like a fetch", async () => {
      expect((await push(rss(30, 'Many'))).status).toBe(202);
      const many = (await queryStories(stack.database.db, { limit: 100 })).filter((s) => s.title.startsWith('Many '));
      expect(many.map((s) => s.title).sort()).toEqual(['Many 0', 'Many 1', 'Many 2', 'Many 3', 'Many 4']);
    });

    it("refuses a push larger than the source's maxBytes with 413, storing nothing", async () => {
      const big = rss(120, 'Oversized');
      expect(Buffer.byteLength(big)).toBeGreaterThan(32 * 1024);
      expect((await push(big)).status).toBe(413);
      const titles = (await queryStories(stack.database.db, { limit: 100 })).map((s) => s.title);
      expect(titles.some((t) => t.startsWith('Oversized'))).toBe(false);
    });

    it("records a push that cannot be ingested in the source's health", async () => {
      const failuresBefore = (await source()).consecutiveFailures;
      expect((await push('<html><body>not a feed</body></html>')).status).toBe(202);
      const health = await source();
      expect(health.lastError).toMatch(/^pushed content: /);
      expect(health.consecutiveFailures).toBe(failuresBefore + 1);
      expect((await subscription()).lastError).toMatch(/^pushed content: /);
      // A good push clears it again.
      expect((await push(rss(1, 'Recovered'))).status).toBe(202);
      expect(await source()).toMatchObject({ lastError: null, consecutiveFailures: 0 });
    });

    it('reads no body of a push nobody asked for, and at most a few bodies at once (429 beyond)', async () => {
      // A push to a source with no subscription is answered before its (here endless) body is read.
      const stranger = await startPush(`${stack.base}/websub/callback/nobody`);
      expect(await stranger.status).toBe(410);
      stranger.socket.destroy();
      // Held pushes to a live subscription occupy their places until they end: of one more than there are places, the
      // last to arrive is refused at once; then so is any other push.
      const held = Array.from({ length: PUSHES_AT_ONCE + 1 }, () => startPush(callback));
      try {
        const answered: number[] = [];
        for (const h of held) void h.status.then((status) => answered.push(status));
        await until('one held push refused as busy', () => answered.length > 0 || undefined);
        expect(answered).toEqual([429]);
        const busy = await push(rss(1, 'Busy'));
        expect(busy.status).toBe(429);
        expect(busy.headers.get('retry-after')).toMatch(/^\d+$/);
      } finally {
        for (const h of held) h.socket.destroy();
      }
      await until('the places freed', async () => (await push(rss(1, 'Freed'))).status === 202 || undefined);
    });

    it('drops a push whose body does not arrive within delivery.timeout, freeing its place', async () => {
      const original = stack.ctx;
      stack.ctx = withDelivery(original, { timeout: 1000 });
      try {
        const held = Array.from({ length: PUSHES_AT_ONCE }, () => startPush(callback));
        await Promise.all(held.map(({ socket }) => new Promise((resolve) => socket.once('close', resolve))));
        expect((await push(rss(1, 'After the slow ones'))).status).toBe(202);
      } finally {
        stack.ctx = original;
      }
    });

    it('takes a denial only while our request is fresh, storing its reason without control characters', async () => {
      const deny = (reason: string) =>
        fetch(`${callback}?${new URLSearchParams({ 'hub.mode': 'denied', 'hub.topic': TOPIC, 'hub.reason': reason })}`);
      // A stranger's denial of a live subscription would end it (pushes answered 410): refused.
      await setSubscription({ requestedAt: new Date(Date.now() - 3_600_000) });
      expect((await deny('go away')).status).toBe(404);
      expect((await subscription()).state).toBe('active');
      expect((await push(rss(1, 'Still pushed'))).status).toBe(202);

      await setSubscription({ state: 'requested', requestedAt: new Date() });
      const denied = await deny('not\u0000 on\u0007 our list');
      expect(denied.status).toBe(200);
      expect(await subscription()).toMatchObject({ state: 'denied', lastError: 'denied by the hub: not on our list' });
    });
  },
);
