import { readFileSync } from 'node:fs';
import { eq, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { websubSubscriptions } from '../../src/db/schema.js';
import { metrics } from '../../src/metrics/registry.js';
import type { AppContext } from '../../src/worker/context.js';
import { MAX_WAITING_PER_HOST } from '../../src/http/websub/hub.js';
import { runPass } from '../../src/worker/pass.js';
import { testDatabases } from '../helpers/database.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { until } from '../helpers/until.js';
import { startSubscriber, type TestSubscriber } from '../helpers/websub-subscriber.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/feeds/${name}`, import.meta.url), 'utf8');

type WebSubConfig = AppContext['config']['output']['websub'];
const withWebSub = (ctx: AppContext, websub: Partial<WebSubConfig>): AppContext => ({
  ...ctx,
  config: { ...ctx.config, output: { ...ctx.config.output, websub: { ...ctx.config.output.websub, ...websub } } },
});

const counter = async (name: string, labels: Record<string, string>) => {
  const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === name);
  const values = (metric?.values ?? []) as { labels: Record<string, string | number>; value: number }[];
  return values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value ?? 0;
};

describe.each(testDatabases())('WebSub hub on $name', { timeout: 60_000 }, (testDb) => {
  let stack: Stack;
  let subscriber: TestSubscriber;
  let original: AppContext;

  const hubRequest = (fields: Record<string, string>) =>
    fetch(`${stack.base}/websub`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
  const subscribe = (callbackPath: string, topic: string, extra: Record<string, string> = {}) =>
    hubRequest({
      'hub.mode': 'subscribe',
      'hub.callback': `${subscriber.url}${callbackPath}`,
      'hub.topic': topic,
      ...extra,
    });
  const rows = () => stack.database.db.select().from(websubSubscriptions);
  const rowFor = async (callbackPath: string) =>
    (await rows()).find((r) => r.callback === `${subscriber.url}${callbackPath}`);

  beforeAll(async () => {
    subscriber = await startSubscriber();
    stack = await startStack(
      testDb,
      { '/rss2.xml': { body: fixture('rss2.xml') } },
      (url) => `
sources:
  - { id: wire, url: "${url}/rss2.xml" }
topics:
  - { id: space, include: ["orbit*"] }
output:
  websub: { allowPrivateCallbacks: true, leaseSeconds: { min: 60, default: 600, max: 3600 }, maxSubscriptions: 3 }
`,
    );
    original = stack.ctx;
    await runPass(stack.ctx, { force: true });
  });
  afterEach(() => {
    stack.ctx = original;
  });
  afterAll(async () => {
    await stack?.close();
    await subscriber?.close();
  });

  it('accepts a subscription with 202, verifies intent with a challenge, then stores it with the lease clamped', async () => {
    const topic = `${stack.base}/feeds/space.atom?limit=5`;
    const response = await subscribe('/cb/a', topic, { 'hub.lease_seconds': '999999', 'hub.secret': 'sekrit' });
    expect(response.status).toBe(202);
    const row = await until('the subscription stored', () => rowFor('/cb/a'));
    expect(row).toMatchObject({ topic, feedUrl: topic, secret: 'sekrit', leaseSeconds: 3600, pendingDigest: null });
    expect(row.expiresAt.getTime() - row.verifiedAt.getTime()).toBe(3600_000);
    const verification = subscriber.verifications.find((v) => v.path === '/cb/a')!;
    expect(verification.params).toMatchObject({
      'hub.mode': 'subscribe',
      'hub.topic': topic,
      'hub.lease_seconds': '3600',
    });
    expect(verification.params['hub.challenge']!.length).toBeGreaterThanOrEqual(16);
  });

  it('stores nothing when the callback does not confirm, and counts the failed verification', async () => {
    subscriber.behaviour.set('/cb/refuses', { echo: false });
    const failedBefore = await counter('tributary_websub_verifications_total', {
      mode: 'subscribe',
      outcome: 'failed',
    });
    expect((await subscribe('/cb/refuses', `${stack.base}/feeds/all.rss`)).status).toBe(202);
    await until(
      'the verification failure counted',
      async () =>
        (await counter('tributary_websub_verifications_total', { mode: 'subscribe', outcome: 'failed' })) >
          failedBefore || undefined,
    );
    expect(subscriber.verifications.some((v) => v.path === '/cb/refuses')).toBe(true);
    expect(await rowFor('/cb/refuses')).toBeUndefined();
  });

  it('refuses bad requests with 400 naming the problem, topics that are not its feeds included', async () => {
    const cases: [Record<string, string>, RegExp][] = [
      [
        { 'hub.mode': 'publish', 'hub.callback': `${subscriber.url}/x`, 'hub.topic': `${stack.base}/feeds/all.rss` },
        /hub.mode/,
      ],
      [
        {
          'hub.mode': 'subscribe',
          'hub.callback': `${subscriber.url}/x`,
          'hub.topic': 'https://elsewhere.example/feed.xml',
        },
        /not a feed of this service/,
      ],
      [
        { 'hub.mode': 'subscribe', 'hub.callback': `${subscriber.url}/x`, 'hub.topic': `${stack.base}/feeds/nope.rss` },
        /names no feed/,
      ],
      [
        { 'hub.mode': 'subscribe', 'hub.callback': 'gopher://x', 'hub.topic': `${stack.base}/feeds/all.rss` },
        /hub.callback/,
      ],
      [
        {
          'hub.mode': 'subscribe',
          'hub.callback': `${subscriber.url}/x`,
          'hub.topic': `${stack.base}/feeds/all.rss`,
          'hub.secret': 'x'.repeat(200),
        },
        /200 bytes/,
      ],
      // Control characters (a NUL fails in the database) in any field a stranger gives.
      [
        {
          'hub.mode': 'subscribe',
          'hub.callback': `${subscriber.url}/x\u0000`,
          'hub.topic': `${stack.base}/feeds/all.rss`,
        },
        /hub.callback .*control characters/,
      ],
      [
        {
          'hub.mode': 'subscribe',
          'hub.callback': `${subscriber.url}/x`,
          'hub.topic': `${stack.base}/feeds/all.rss?x=\u0000`,
        },
        /hub.topic .*control characters/,
      ],
      [
        {
          'hub.mode': 'unsubscribe',
          'hub.callback': `${subscriber.url}/x`,
          'hub.topic': `${stack.base}/feeds/all.rss\u0007`,
        },
        /hub.topic .*control characters/,
      ],
      [
        {
          'hub.mode': 'subscribe',
          'hub.callback': `${subscriber.url}/x`,
          'hub.topic': `${stack.base}/feeds/all.rss`,
          'hub.secret': 'a\u0000b',
        },
        /hub.secret .*control characters/,
      ],
    ];
    for (const [fields, message] of cases) {
      const response = await hubRequest(fields);
      expect(response.status, JSON.stringify(fields)).toBe(400);
      expect(await response.text()).toMatch(message);
    }
    const json = await fetch(`${stack.base}/websub`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(json.status).toBe(415);
  });

  it('refuses a private callback unless allowPrivateCallbacks is set', async () => {
    stack.ctx = withWebSub(original, { allowPrivateCallbacks: false });
    const response = await subscribe('/cb/private', `${stack.base}/feeds/all.rss`);
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/private/);
    const localhost = await hubRequest({
      'hub.mode': 'subscribe',
      'hub.callback': 'http://localhost:9/cb',
      'hub.topic': `${stack.base}/feeds/all.rss`,
    });
    expect(localhost.status).toBe(400);
    expect(subscriber.verifications.some((v) => v.path === '/cb/private')).toBe(false);
  });

  it('unsubscribes after verifying intent', async () => {
    const topic = `${stack.base}/feeds/all.json`;
    await subscribe('/cb/leaving', topic);
    await until('subscribed', () => rowFor('/cb/leaving'));
    const response = await hubRequest({
      'hub.mode': 'unsubscribe',
      'hub.callback': `${subscriber.url}/cb/leaving`,
      'hub.topic': topic,
    });
    expect(response.status).toBe(202);
    await until('unsubscribed', async () => ((await rowFor('/cb/leaving')) ? undefined : true));
    expect(subscriber.verifications.filter((v) => v.path === '/cb/leaving').map((v) => v.params['hub.mode'])).toEqual([
      'subscribe',
      'unsubscribe',
    ]);
  });

  it('holds at most maxSubscriptions live subscriptions, expired leases not counted', async () => {
    await stack.database.db.delete(websubSubscriptions);
    for (const path of ['/cb/1', '/cb/2', '/cb/3'])
      expect((await subscribe(path, `${stack.base}/feeds/all.rss`)).status).toBe(202);
    await until('three subscriptions', async () => (await rows()).length === 3 || undefined);
    const full = await subscribe('/cb/4', `${stack.base}/feeds/all.rss`);
    expect(full.status).toBe(503);
    // Renewing an existing subscription is not a new one.
    expect((await subscribe('/cb/1', `${stack.base}/feeds/all.rss`)).status).toBe(202);
    await stack.database.db
      .update(websubSubscriptions)
      .set({ expiresAt: sql`now() - interval '1 second'` })
      .where(eq(websubSubscriptions.callback, `${subscriber.url}/cb/3`));
    expect((await subscribe('/cb/4', `${stack.base}/feeds/all.rss`)).status).toBe(202);
    await until('the fourth stored', () => rowFor('/cb/4'));
    const scrape = await (await fetch(`${stack.base}/metrics`)).text();
    expect(scrape).toMatch(/^tributary_websub_subscriptions 3$/m);
  });

  it('holds at most maxPerCallbackHost live subscriptions with a callback on one host', async () => {
    await stack.database.db.delete(websubSubscriptions);
    stack.ctx = withWebSub(original, { maxPerCallbackHost: 2, maxSubscriptions: 10 });
    const topic = `${stack.base}/feeds/all.rss`;
    // Another host's subscriptions do not count, even when a path names this one.
    const host = new URL(subscriber.url).hostname;
    await stack.database.db.insert(websubSubscriptions).values(
      [`https://other.example/${host}/cb`, `https://other.example/cb?on=${host}`].map((callback) => ({
        callback,
        topic,
        feedUrl: topic,
        baseUrl: stack.base,
        leaseSeconds: 600,
        expiresAt: new Date(Date.now() + 600_000),
      })),
    );
    for (const path of ['/cb/h1', '/cb/h2']) {
      expect((await subscribe(path, topic)).status).toBe(202);
      await until(`${path} stored`, () => rowFor(path));
    }
    const third = await subscribe('/cb/h3', topic);
    expect(third.status).toBe(503);
    expect(await third.text()).toMatch(new RegExp(`2 subscriptions with a callback on ${host.replace(/\./g, '\\.')}`));
    // Renewing one is not a new one (and is verified and stored before the next test starts).
    const verifiedAt = (await rowFor('/cb/h1'))!.verifiedAt.getTime();
    expect((await subscribe('/cb/h1', topic)).status).toBe(202);
    await until(
      'the renewal stored',
      async () => (await rowFor('/cb/h1'))!.verifiedAt.getTime() > verifiedAt || undefined,
    );
    expect(await rowFor('/cb/h3')).toBeUndefined();
  });

  it('delivers at most maxFeeds distinct feeds, so that query variants cannot multiply the rendering done at each change', async () => {
    await stack.database.db.delete(websubSubscriptions);
    stack.ctx = withWebSub(original, { maxFeeds: 2 });
    for (const [path, topic] of [
      ['/cb/f1', 'all.rss'],
      ['/cb/f2', 'all.rss?q=orbit'],
    ] as const) {
      expect((await subscribe(path, `${stack.base}/feeds/${topic}`)).status).toBe(202);
      await until(`${path} stored`, () => rowFor(path));
    }
    const variant = await subscribe('/cb/f3', `${stack.base}/feeds/all.rss?q=orbit2`);
    expect(variant.status).toBe(503);
    expect(await variant.text()).toMatch(/2 distinct feeds/);
    // Another subscriber to a feed already delivered costs no rendering: accepted (the same feed in another spelling too).
    expect(
      (await subscribe('/cb/f3', `${stack.base}/feeds/all.rss?q=orbit&limit=${original.config.output.limit}`)).status,
    ).toBe(202);
    await until('/cb/f3 stored', () => rowFor('/cb/f3'));
    expect(new Set((await rows()).map((r) => r.feedUrl)).size).toBe(2);
  });

  it('keeps at most a few requests per callback host waiting for verification, answering 429 with Retry-After beyond', async () => {
    await stack.database.db.delete(websubSubscriptions);
    const topic = `${stack.base}/feeds/all.rss`;
    const paths = Array.from({ length: MAX_WAITING_PER_HOST + 1 }, (_, i) => `/cb/slow-${i}`);
    for (const path of [...paths, '/cb/slow-other']) subscriber.behaviour.set(path, { hangVerification: true });
    try {
      for (const path of paths.slice(0, -1)) expect((await subscribe(path, topic)).status).toBe(202);
      const refused = await subscribe(paths.at(-1)!, topic);
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(await refused.text()).toMatch(/callback host/);
      // Another host is not held up by the first one's queue.
      const other = await hubRequest({
        'hub.mode': 'subscribe',
        'hub.callback': `${subscriber.url.replace('127.0.0.1', 'localhost')}/cb/slow-other`,
        'hub.topic': topic,
      });
      expect(other.status).toBe(202);
    } finally {
      // Held verifications are answered 503 (not verified) until none is left waiting: ten from one host, one from the other.
      await until('verifications answered', () => {
        subscriber.release();
        return (
          subscriber.verifications.filter((v) => v.path.startsWith('/cb/slow-')).length === MAX_WAITING_PER_HOST + 1 ||
          undefined
        );
      });
      subscriber.release();
      for (const path of [...paths, '/cb/slow-other']) subscriber.behaviour.delete(path);
    }
    // Once they are answered, the host may ask again.
    await until('the queue drained', async () => (await subscribe(paths.at(-1)!, topic)).status === 202 || undefined);
    await until('the last one stored', () => rowFor(paths.at(-1)!));
    expect((await rows()).map((r) => r.callback)).toEqual([`${subscriber.url}${paths.at(-1)}`]);
  });

  it('answers 404 when push delivery is off or an external hub is configured', async () => {
    stack.ctx = withWebSub(original, { enabled: false });
    expect((await subscribe('/cb/off', `${stack.base}/feeds/all.rss`)).status).toBe(404);
    stack.ctx = {
      ...original,
      config: {
        ...original.config,
        output: { ...original.config.output, baseUrl: stack.base, hub: 'https://hub.example/' },
      },
    };
    const external = await subscribe('/cb/off', `${stack.base}/feeds/all.rss`);
    expect(external.status).toBe(404);
    expect(await external.text()).toMatch('https://hub.example/');
  });
});
