import { randomBytes } from 'node:crypto';
import type { LookupFunction } from 'node:net';
import { and, count, eq, gt, sql } from 'drizzle-orm';
import type { Config } from '../config/schema.js';
import { sources, websubSourceSubscriptions } from '../db/schema.js';
import { assertPublicHost } from '../fetcher/address-guard.js';
import type { AppContext, EffectiveSource } from './context.js';
import type { DiscoveredHub } from '../websub/discover.js';
import { postTo } from '../websub/post.js';

export type SourceSubscriptionRow = typeof websubSourceSubscriptions.$inferSelect;

// A subscription request the hub has not verified within this long is sent again (one it denied, after a day); a lease
// is renewed when less than this share of it is left.
const REQUEST_PATIENCE_MS = 10 * 60_000;
const DENIED_PATIENCE_MS = 24 * 3600_000;
const RENEW_SHARE = 0.2;

/** Where hubs push a source's content. */
export const callbackUrl = (baseUrl: string, sourceId: string) =>
  `${baseUrl}/websub/callback/${encodeURIComponent(sourceId)}`;

/** output.baseUrl when a hub out there can reach it (or private callbacks are allowed); undefined otherwise. */
export function publicBaseUrl(output: Config['output']): string | undefined {
  if (!output.baseUrl) return undefined;
  if (output.websub.allowPrivateCallbacks) return output.baseUrl;
  try {
    assertPublicHost(new URL(output.baseUrl));
    return output.baseUrl;
  } catch {
    return undefined;
  }
}

export async function sourceSubscription(
  db: AppContext['database']['db'],
  sourceId: string,
): Promise<SourceSubscriptionRow | undefined> {
  const [row] = await db
    .select()
    .from(websubSourceSubscriptions)
    .where(eq(websubSourceSubscriptions.sourceId, sourceId));
  return row;
}

export async function countLiveSourceSubscriptions(db: AppContext['database']['db']): Promise<number> {
  const [row] = await db
    .select({ value: count() })
    .from(websubSourceSubscriptions)
    .where(and(eq(websubSourceSubscriptions.state, 'active'), gt(websubSourceSubscriptions.expiresAt, sql`now()`)));
  return Number(row?.value ?? 0);
}

/** Each source's subscription to its hub, as /api/sources shows it: by source id. */
export async function pushStates(
  db: AppContext['database']['db'],
): Promise<Map<string, { state: string; hub: string; expiresAt: Date | null; lastPushAt: Date | null }>> {
  const now = Date.now();
  const rows = await db.select().from(websubSourceSubscriptions);
  return new Map(
    rows.map((row) => [
      row.sourceId,
      {
        state: isLive(row, now) ? 'active' : row.state === 'active' ? 'expired' : row.state,
        hub: row.hub,
        expiresAt: row.expiresAt,
        lastPushAt: row.lastPushAt,
      },
    ]),
  );
}

/** A subscription the hub verified and whose lease runs. */
export const isLive = (
  row: SourceSubscriptionRow | undefined,
  now = Date.now(),
): row is SourceSubscriptionRow & { expiresAt: Date } =>
  row?.state === 'active' && row.expiresAt !== null && row.expiresAt.getTime() > now;

/**
 * After a successful fetch of `source`: subscribe to the hub its feed advertises (or renew a lease nearing its end), and
 * while a subscription is live, push the next poll out to `subscribe.pollInterval`. `hub` is undefined when the fetch
 * brought no body (304): nothing new is learned then. Polling falls back to normal on its own once a lease ends.
 */
export async function afterSourceRefresh(
  ctx: AppContext,
  source: EffectiveSource,
  hub: DiscoveredHub | undefined,
  lookup?: LookupFunction,
): Promise<void> {
  const { config, database, log } = ctx;
  const { websub } = config.output;
  if (!websub.enabled || !websub.subscribe.enabled) return;
  const db = database.db;
  const row = await sourceSubscription(db, source.id);
  const now = Date.now();
  if (isLive(row, now)) {
    const relaxed = Math.max(source.interval, websub.subscribe.pollInterval);
    await db
      .update(sources)
      .set({ nextFetchAt: sql`greatest(${sources.nextFetchAt}, now() + ${`${relaxed} milliseconds`}::interval)` })
      .where(eq(sources.id, source.id));
  }
  const baseUrl = publicBaseUrl(config.output);
  if (!hub || !baseUrl) return;
  const same = row?.hub === hub.hub && row.topic === hub.self;
  if (same && isLive(row, now)) {
    const left = row.expiresAt.getTime() - now;
    if (left > (row.leaseSeconds ?? websub.subscribe.leaseSeconds) * 1000 * RENEW_SHARE) return;
  } else if (
    same &&
    row.state !== 'active' &&
    now - row.requestedAt.getTime() < (row.state === 'denied' ? DENIED_PATIENCE_MS : REQUEST_PATIENCE_MS)
  ) {
    return;
  }
  // A renewal keeps its secret: the hub may push with it until it has verified the renewal.
  const secret = same && row.secret ? row.secret : randomBytes(32).toString('base64url');
  const fields = { hub: hub.hub, topic: hub.self, secret, requestedAt: new Date(now), lastError: null };
  await db
    .insert(websubSourceSubscriptions)
    .values({ sourceId: source.id, ...fields, state: 'requested' })
    .onConflictDoUpdate({
      target: websubSourceSubscriptions.sourceId,
      set: { ...fields, state: same && isLive(row, now) ? 'active' : 'requested' },
    });
  let error: string | undefined;
  try {
    const status = await postTo(hub.hub, {
      body: Buffer.from(
        new URLSearchParams({
          'hub.mode': 'subscribe',
          'hub.topic': hub.self,
          'hub.callback': callbackUrl(baseUrl, source.id),
          'hub.secret': secret,
          'hub.lease_seconds': String(websub.subscribe.leaseSeconds),
        }).toString(),
      ),
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': config.defaults.userAgent },
      timeoutMs: websub.delivery.timeout,
      // The hub's address came from the feed: the guard applies unless the source may reach private hosts.
      allowPrivate: source.allowPrivateNetwork,
      lookup,
    });
    if (status < 200 || status >= 300) error = `the hub answered HTTP ${status}`;
  } catch (err) {
    error = (err as Error).message;
  }
  if (error) {
    await db
      .update(websubSourceSubscriptions)
      .set({ lastError: `subscribing: ${error}` })
      .where(eq(websubSourceSubscriptions.sourceId, source.id));
    log.warn(
      { source: source.id, hub: hub.hub, err: error },
      "websub: could not subscribe to the source's hub; polling as usual",
    );
  } else {
    log.info(
      { source: source.id, hub: hub.hub, topic: hub.self },
      "websub: subscription to the source's hub requested",
    );
  }
}
