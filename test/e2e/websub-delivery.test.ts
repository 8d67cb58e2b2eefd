import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { websubSubscriptions } from '../../src/db/schema.js';
import { metrics } from '../../src/metrics/registry.js';
import { runPass } from '../../src/worker/pass.js';
import { startWebSub, type WebSubRunner } from '../../src/http/websub/runner.js';
import { verifySignature } from '../../src/websub/signature.js';
import { purgeExpired } from '../../src/websub/store.js';
import { testDatabases, type TestDatabase } from '../helpers/database.js';
import { feedValidityErrors, VALIDATOR_TIMEOUT } from '../helpers/feed-validators.js';
import { withDelivery } from '../helpers/context.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { until } from '../helpers/until.js';
import { startSubscriber, type TestSubscriber } from '../helpers/websub-subscriber.js';

/** An RSS feed of the given titles, newest first, one day apart. */
function rss(titles: string[]): string {
  const items = titles.map(
    (title, i) => `<item><title>${title}</title><link>https://wire.example/${encodeURIComponent(title)}</link>
<guid>${title}</guid><pubDate>${new Date(Date.UTC(2026, 10, 20 - i)).toUTCString()}</pubDate>
<description>${title}: a report about the orbit of a satellite, in enough words to be a story of its own, number ${i}.</description></item>`,
  );
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title><link>https://wire.example/</link><description>w</description>${items.join('')}</channel></rss>`;
}

/**
 * A stack whose one source is a wire feed of satellite stories (topics `space`, which they match, and `sport`), with
 * `output` as the config's output section, after a first pass. `addStory` publishes one more story and runs a pass.
 */
async function startWireStack(testDb: TestDatabase, output: string) {
  let titles = ['Satellite one reaches orbit'];
  const stack = await startStack(
    testDb,
    { '/wire.xml': { body: rss(titles) } },
    (url) => `
sources:
  - { id: wire, url: "${url}/wire.xml" }
topics:
  - { id: space, include: ["satellite"] }
  - { id: sport, include: ["football"] }
output:
${output}`,
  );
  await runPass(stack.ctx, { force: true });
  const addStory = async (title: string) => {
    titles = [title, ...titles];
    stack.feeds.routes.set('/wire.xml', { body: rss(titles) });
    await runPass(stack.ctx, { force: true });
  };
  return { stack, addStory };
}

const counter = async (name: string, labels: Record<string, string>) => {
  const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === name);
  const values = (metric?.values ?? []) as { labels: Record<string, string | number>; value: number }[];
  return values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value ?? 0;
};

describe.each(testDatabases())(
  'WebSub delivery from the own hub on $name',
  { timeout: VALIDATOR_TIMEOUT },
  (testDb) => {
    let stack: Stack;
    let subscriber: TestSubscriber;
    let runner: WebSubRunner;
    let otherWorker: WebSubRunner;
    let addStory: (title: string) => Promise<void>;

    const hubRequest = (fields: Record<string, string>) =>
      fetch(`${stack.base}/websub`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields).toString(),
      });
    const subscribe = async (path: string, topic: string, extra: Record<string, string> = {}) => {
      const response = await hubRequest({
        'hub.mode': 'subscribe',
        'hub.callback': `${subscriber.url}${path}`,
        'hub.topic': topic,
        ...extra,
      });
      expect(response.status).toBe(202);
      return until(`${path} subscribed`, async () => await rowFor(path));
    };
    const rowFor = async (path: string) =>
      (
        await stack.database.db
          .select()
          .from(websubSubscriptions)
          .where(eq(websubSubscriptions.callback, `${subscriber.url}${path}`))
      )[0];
    const deliveriesTo = (path: string) => subscriber.deliveries.filter((d) => d.path === path);

    beforeAll(async () => {
      subscriber = await startSubscriber();
      ({ stack, addStory } = await startWireStack(
        testDb,
        `  websub:
    allowPrivateCallbacks: true
    leaseSeconds: { min: 60 }
    delivery: { retries: 2, backoff: 1s, timeout: 60s }
`,
      ));
      runner = startWebSub(() => stack.ctx, { intervalMs: 100 });
      // A second worker process on the same database: every change must still reach each subscriber once.
      otherWorker = startWebSub(() => stack.ctx, { intervalMs: 100 });
    });
    afterAll(async () => {
      await runner?.stop();
      await otherWorker?.stop();
      await stack?.close();
      await subscriber?.close();
    });

    it('delivers a changed feed to its subscribers, signed when they gave a secret, and nothing while it is unchanged', async () => {
      const atomTopic = `${stack.base}/feeds/all.atom`;
      const rssTopic = `${stack.base}/feeds/space.rss?limit=10`;
      await subscribe('/signed', atomTopic, { 'hub.secret': 'a secret of the subscriber' });
      await subscribe('/plain', rssTopic);
      await subscribe('/sport', `${stack.base}/feeds/sport.json`);
      runner.poke();
      await runner.idle();
      // Verification of intent is not a delivery: what the subscriber could fetch then counts as delivered.
      expect(subscriber.deliveries).toEqual([]);

      await addStory('Satellite two reaches orbit');
      const [signed] = await until('delivery to /signed', () => deliveriesTo('/signed')[0] && deliveriesTo('/signed'));
      const [plain] = await until('delivery to /plain', () => deliveriesTo('/plain')[0] && deliveriesTo('/plain'));
      expect(signed!.headers['content-type']).toBe('application/atom+xml; charset=utf-8');
      expect(signed!.headers.link).toBe(`<${stack.base}/websub>; rel="hub", <${atomTopic}>; rel="self"`);
      expect(
        verifySignature('a secret of the subscriber', signed!.body, signed!.headers['x-hub-signature'] as string),
      ).toBe(true);
      expect(verifySignature('another secret', signed!.body, signed!.headers['x-hub-signature'] as string)).toBe(false);
      const atom = signed!.body.toString('utf8');
      expect(atom).toContain('Satellite two reaches orbit');
      expect(await feedValidityErrors('atom', atom)).toEqual([]);
      // The delivered body is what a reader fetching the topic gets.
      expect(atom).toBe(await (await fetch(atomTopic)).text());
      expect(plain!.headers['content-type']).toBe('application/rss+xml; charset=utf-8');
      expect(plain!.headers['x-hub-signature']).toBeUndefined();
      expect(plain!.body.toString('utf8')).toContain('Satellite two reaches orbit');

      // The story is not about sport: that feed did not change, and its subscriber hears nothing.
      for (const worker of [runner, otherWorker]) worker.poke();
      await Promise.all([runner.idle(), otherWorker.idle()]);
      expect(deliveriesTo('/sport')).toEqual([]);
      expect(deliveriesTo('/signed')).toHaveLength(1);
      expect(await rowFor('/signed')).toMatchObject({ pendingDigest: null, attempts: 0, lastError: null });
    });

    it('retries a failing callback with backoff, then gives up, without holding up the others', async () => {
      subscriber.behaviour.set('/failing', { deliveryStatus: 500 });
      subscriber.behaviour.set('/hanging', { hang: true });
      await subscribe('/failing', `${stack.base}/feeds/all.json`);
      await subscribe('/hanging', `${stack.base}/feeds/all.json?limit=3`);
      const gaveUpBefore = await counter('tributary_websub_deliveries_total', { outcome: 'gave_up' });
      const before = deliveriesTo('/signed').length;
      await addStory('Satellite three reaches orbit');
      await until('the hanging callback reached', () => deliveriesTo('/hanging')[0]);
      await until('the others delivered', () => (deliveriesTo('/signed').length > before ? true : undefined));
      // ...while the hanging callback still holds its request open (it is answered only when released).
      expect(await rowFor('/hanging')).toMatchObject({
        attempts: 0,
        pendingDigest: expect.any(String),
        lastDeliveredAt: null,
      });
      const row = await until('the failing delivery given up', async () => {
        const current = await rowFor('/failing');
        return current?.lastError?.startsWith('gave up') ? current : undefined;
      });
      // The first attempt and two retries.
      expect(deliveriesTo('/failing')).toHaveLength(3);
      expect(row).toMatchObject({
        pendingDigest: null,
        lastError: 'gave up after 3 attempts: the callback answered HTTP 500',
      });
      expect(await counter('tributary_websub_deliveries_total', { outcome: 'gave_up' })).toBe(gaveUpBefore + 1);
      subscriber.behaviour.delete('/hanging');
      subscriber.release();
      await until('the hanging callback failed, was retried and answered', async () =>
        (await rowFor('/hanging'))?.lastDeliveredAt ? true : undefined,
      );
      expect(deliveriesTo('/hanging')).toHaveLength(2);
    });

    it('removes a subscription whose callback answers 410 Gone', async () => {
      subscriber.behaviour.set('/gone', { deliveryStatus: 410 });
      await subscribe('/gone', `${stack.base}/feeds/all.rss`);
      await addStory('Satellite four reaches orbit');
      await until('the gone subscription removed', async () => ((await rowFor('/gone')) ? undefined : true));
      expect(deliveriesTo('/gone')).toHaveLength(1);
    });

    it('delivers nothing to an expired lease or after unsubscribing, and purges expired leases', async () => {
      await stack.database.db
        .update(websubSubscriptions)
        .set({ expiresAt: sql`now() - interval '1 second'` })
        .where(eq(websubSubscriptions.callback, `${subscriber.url}/signed`));
      const leaving = await hubRequest({
        'hub.mode': 'unsubscribe',
        'hub.callback': `${subscriber.url}/plain`,
        'hub.topic': `${stack.base}/feeds/space.rss?limit=10`,
      });
      expect(leaving.status).toBe(202);
      await until('unsubscribed', async () => ((await rowFor('/plain')) ? undefined : true));
      await subscribe('/witness', `${stack.base}/feeds/all.atom`);
      const signed = deliveriesTo('/signed').length;
      const plain = deliveriesTo('/plain').length;
      await addStory('Satellite five reaches orbit');
      await until('the witness delivered', () => deliveriesTo('/witness')[0]);
      runner.poke();
      await runner.idle();
      expect(deliveriesTo('/signed')).toHaveLength(signed);
      expect(deliveriesTo('/plain')).toHaveLength(plain);
      expect(await purgeExpired(stack.database.db)).toBe(1);
      expect(await rowFor('/signed')).toBeUndefined();
    });

    it('drops a callback whose deliveries were given up dropAfter times in a row, across changes and restarts, and counts it', async () => {
      await stack.database.db.delete(websubSubscriptions);
      const original = stack.ctx;
      stack.ctx = withDelivery(original, { retries: 0, dropAfter: 2 });
      let restarted: WebSubRunner | undefined;
      try {
        subscriber.behaviour.set('/dead', { deliveryStatus: 500 });
        await subscribe('/dead', `${stack.base}/feeds/all.rss`);
        await subscribe('/alive', `${stack.base}/feeds/all.atom`);
        const droppedBefore = await counter('tributary_websub_deliveries_total', { outcome: 'dropped' });
        await addStory('Satellite six reaches orbit');
        // The first change given up: the subscription stays, and remembers it.
        await until(
          'the first delivery given up',
          async () => (await rowFor('/dead'))?.failedDeliveries === 1 || undefined,
        );
        expect(await rowFor('/dead')).toMatchObject({
          pendingDigest: null,
          lastError: 'gave up after 1 attempts: the callback answered HTTP 500',
        });
        await until('the live callback delivered', () => deliveriesTo('/alive')[0]);
        // The content given up is settled: however many runners noticed that change, none sends it again.
        expect(deliveriesTo('/dead')).toHaveLength(1);
        // The next change, with a restarted worker beside the others, counts too: the second in a row drops it.
        restarted = startWebSub(() => stack.ctx, { intervalMs: 100 });
        await addStory('Satellite seven reaches orbit');
        await until('the dead callback dropped', async () => ((await rowFor('/dead')) ? undefined : true));
        expect(deliveriesTo('/dead')).toHaveLength(2);
        expect(await counter('tributary_websub_deliveries_total', { outcome: 'dropped' })).toBe(droppedBefore + 1);
        expect(await rowFor('/alive')).toMatchObject({ failedDeliveries: 0, lastError: null });
      } finally {
        await restarted?.stop();
        stack.ctx = original;
        subscriber.behaviour.delete('/dead');
      }
    });
  },
);

describe.each(testDatabases())('WebSub through an external hub on $name', { timeout: 60_000 }, (testDb) => {
  let stack: Stack;
  let hub: TestSubscriber;
  let runner: WebSubRunner;
  let addStory: (title: string) => Promise<void>;
  const base = 'https://news.example/agg';

  const published = () =>
    hub.deliveries.map((d) => {
      const form = new URLSearchParams(d.body.toString('utf8'));
      expect(d.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(form.get('hub.mode')).toBe('publish');
      return form.get('hub.url');
    });
  const urls = (name: string) => ['rss', 'atom', 'json'].map((format) => `${base}/feeds/${name}.${format}`);

  beforeAll(async () => {
    hub = await startSubscriber();
    ({ stack, addStory } = await startWireStack(
      testDb,
      `  baseUrl: ${base}
  hub: ${hub.url}/hub
  websub: { delivery: { retries: 1, backoff: 1s } }
`,
    ));
    runner = startWebSub(() => stack.ctx, { intervalMs: 100 });
  });
  afterAll(async () => {
    await runner?.stop();
    await stack?.close();
    await hub?.close();
  });

  it('notifies the hub of every feed at first, then only of the feeds a pass changed', async () => {
    await until('every feed published', () => (hub.deliveries.length >= 9 ? true : undefined));
    expect(published().sort()).toEqual([...urls('all'), ...urls('space'), ...urls('sport')].sort());
    expect(hub.deliveries.every((d) => d.path === '/hub')).toBe(true);

    hub.deliveries.length = 0;
    await addStory('Satellite two reaches orbit');
    await until('the changed feeds published', () => (hub.deliveries.length >= 6 ? true : undefined));
    runner.poke();
    await runner.idle();
    expect(published().sort()).toEqual([...urls('all'), ...urls('space')].sort());
  });

  it('retries a hub that fails, then gives up', async () => {
    hub.behaviour.set('/hub', { deliveryStatus: 503 });
    const gaveUp = await counter('tributary_websub_publishes_total', { outcome: 'gave_up' });
    hub.deliveries.length = 0;
    await addStory('Satellite three reaches orbit');
    await until('every notification given up', async () =>
      (await counter('tributary_websub_publishes_total', { outcome: 'gave_up' })) >= gaveUp + 6 ? true : undefined,
    );
    // Six topics (all and space, three formats each), each tried twice.
    expect(published()).toHaveLength(12);
  });
});
