import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sources, websubSourceSubscriptions } from '../../src/db/schema.js';
import type { AppContext } from '../../src/worker/context.js';
import { runPass } from '../../src/worker/pass.js';
import { signBody } from '../../src/websub/signature.js';
import { testDatabases } from '../helpers/database.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { startSubscriber, type TestSubscriber } from '../helpers/websub-subscriber.js';

/** An RSS feed advertising a hub, with the given titles, newest first. */
function rss(titles: string[], hub: string, self: string): string {
  const items = titles.map(
    (title, i) => `<item><title>${title}</title><link>https://wire.example/${encodeURIComponent(title)}</link>
<guid>${title}</guid><pubDate>${new Date(Date.UTC(2026, 10, 20 - i)).toUTCString()}</pubDate>
<description>${title}: a report in enough words to be a story of its own, number ${i}, about something else entirely.</description></item>`,
  );
  return `<?xml version="1.0"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>Wire</title>
<link>https://wire.example/</link><description>w</description><atom:link rel="hub" href="${hub}"/><atom:link rel="self" href="${self}"/>
${items.join('')}</channel></rss>`;
}

describe.each(testDatabases())('subscribing to the hubs of sources on $name', { timeout: 60_000 }, (testDb) => {
  let stack: Stack;
  let hub: TestSubscriber;
  let topic: string;
  let callback: string;

  const requests = () => hub.deliveries.map((d) => Object.fromEntries(new URLSearchParams(d.body.toString('utf8'))));
  const row = async () =>
    (
      await stack.database.db
        .select()
        .from(websubSourceSubscriptions)
        .where(eq(websubSourceSubscriptions.sourceId, 'wire'))
    )[0];
  const source = async () => (await stack.database.db.select().from(sources).where(eq(sources.id, 'wire')))[0]!;
  const verify = (params: Record<string, string>) => fetch(`${callback}?${new URLSearchParams(params)}`);
  const push = (body: string, signature: string | undefined) =>
    fetch(callback, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/rss+xml', ...(signature ? { 'x-hub-signature': signature } : {}) },
    });
  const titlesServed = async () =>
    ((await (await fetch(`${stack.base}/feeds/all.json`)).json()) as { items: { title: string }[] }).items.map(
      (i) => i.title,
    );
  const withSource = (ctx: AppContext, fields: Partial<AppContext['config']['sources'][number]>): AppContext => ({
    ...ctx,
    config: { ...ctx.config, sources: ctx.config.sources.map((s) => ({ ...s, ...fields })) },
  });

  beforeAll(async () => {
    hub = await startSubscriber();
    hub.behaviour.set('/hub', { deliveryStatus: 202 });
    stack = await startStack(
      testDb,
      {},
      (url) => `
sources:
  - { id: wire, url: "${url}/wire.xml", allowPrivateNetwork: true }
output:
  websub: { allowPrivateCallbacks: true }
`,
    );
    topic = `${stack.feeds.url}/wire.xml`;
    stack.feeds.routes.set('/wire.xml', { body: rss(['First story'], `${hub.url}/hub`, topic) });
    // Hubs reach the service at its public base URL.
    stack.ctx = {
      ...stack.ctx,
      config: { ...stack.ctx.config, output: { ...stack.ctx.config.output, baseUrl: stack.base } },
    };
    callback = `${stack.base}/websub/callback/wire`;
  });
  afterAll(async () => {
    await stack?.close();
    await hub?.close();
  });

  it('asks the hub a source advertises for a subscription after fetching it', async () => {
    await runPass(stack.ctx, { force: true });
    expect(requests()).toEqual([
      {
        'hub.mode': 'subscribe',
        'hub.topic': topic,
        'hub.callback': callback,
        'hub.secret': expect.stringMatching(/^[\w-]{40,}$/),
        'hub.lease_seconds': '604800',
      },
    ]);
    expect(await row()).toMatchObject({ hub: `${hub.url}/hub`, topic, state: 'requested', expiresAt: null });
    // Not verified yet: polled at its own interval, and not asked again while the hub takes its time.
    expect((await source()).nextFetchAt.getTime()).toBeLessThan(Date.now() + 20 * 60_000);
    await runPass(stack.ctx, { force: true });
    expect(requests()).toHaveLength(1);
  });

  it("confirms the hub's verification of our intent only for the topic it asked for", async () => {
    expect(
      (
        await verify({
          'hub.mode': 'subscribe',
          'hub.topic': 'https://elsewhere.example/',
          'hub.challenge': 'c1',
          'hub.lease_seconds': '600',
        })
      ).status,
    ).toBe(404);
    const response = await verify({
      'hub.mode': 'subscribe',
      'hub.topic': topic,
      'hub.challenge': 'c2',
      'hub.lease_seconds': '600',
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('c2');
    const active = await row();
    expect(active?.state).toBe('active');
    const api = (await (await fetch(`${stack.base}/api/sources`)).json()) as { id: string; push: unknown }[];
    expect(api.find((s) => s.id === 'wire')?.push).toMatchObject({ state: 'active', hub: `${hub.url}/hub` });
    expect(active!.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 500_000);
    // We still want it: an unsubscription is not confirmed; one for a source we do not have is.
    expect((await verify({ 'hub.mode': 'unsubscribe', 'hub.topic': topic, 'hub.challenge': 'c3' })).status).toBe(404);
    const stranger = await fetch(
      `${stack.base}/websub/callback/nobody?hub.mode=unsubscribe&hub.topic=x&hub.challenge=c4`,
    );
    expect(await stranger.text()).toBe('c4');
  });

  it('ingests pushed content signed with our secret, and ignores content whose signature does not match', async () => {
    const { secret } = (await row())!;
    const signed = rss(['Pushed story', 'First story'], `${hub.url}/hub`, topic);
    const response = await push(signed, signBody(secret, Buffer.from(signed)));
    expect(response.status).toBe(202);
    expect(await titlesServed()).toContain('Pushed story');
    const forged = rss(['Forged story', 'First story'], `${hub.url}/hub`, topic);
    expect((await push(forged, signBody('not our secret', Buffer.from(forged)))).status).toBe(202);
    expect((await push(forged, undefined)).status).toBe(202);
    expect(await titlesServed()).not.toContain('Forged story');
    expect((await row())?.lastPushAt).toBeInstanceOf(Date);
  });

  it('polls less often while the subscription is alive, and falls back to polling and subscribes again once it expires', async () => {
    await runPass(stack.ctx, { force: true });
    expect((await source()).nextFetchAt.getTime()).toBeGreaterThan(Date.now() + 50 * 60_000);
    expect(requests()).toHaveLength(1);

    await stack.database.db.update(websubSourceSubscriptions).set({ expiresAt: sql`now() - interval '1 second'` });
    const late = rss(['Late story', 'First story'], `${hub.url}/hub`, topic);
    expect((await push(late, signBody((await row())!.secret, Buffer.from(late)))).status).toBe(410);
    await runPass(stack.ctx, { force: true });
    expect((await source()).nextFetchAt.getTime()).toBeLessThan(Date.now() + 20 * 60_000);
    expect(requests()).toHaveLength(2);
    expect(requests()[1]).toMatchObject({ 'hub.mode': 'subscribe', 'hub.topic': topic });
  });

  it('does not ask a hub that denied the subscription again at every poll', async () => {
    const denied = await verify({ 'hub.mode': 'denied', 'hub.topic': topic, 'hub.reason': 'not on our list' });
    expect(denied.status).toBe(200);
    expect(await row()).toMatchObject({ state: 'denied', lastError: 'denied by the hub: not on our list' });
    await runPass(stack.ctx, { force: true });
    expect(requests()).toHaveLength(2);
    expect((await source()).nextFetchAt.getTime()).toBeLessThan(Date.now() + 20 * 60_000);
  });

  it('does not contact a hub on a private address unless the source may reach private hosts', async () => {
    await stack.database.db.delete(websubSourceSubscriptions);
    const original = stack.ctx;
    try {
      stack.ctx = withSource(original, { allowPrivateNetwork: false });
      // The configured feed URL itself stays trusted; only the hub it names is guarded.
      await runPass(stack.ctx, { force: true });
    } finally {
      stack.ctx = original;
    }
    expect(requests()).toHaveLength(2);
    expect((await row())?.lastError).toMatch(/refused to connect/);
  });
});
