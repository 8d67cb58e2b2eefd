import { and, count, eq, gt, lte, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { queryRows } from '../db/rows.js';
import { websubSubscriptions } from '../db/schema.js';
import { httpUrlOf } from '../util/url.js';

export type SubscriptionRow = typeof websubSubscriptions.$inferSelect;

const live = () => gt(websubSubscriptions.expiresAt, sql`now()`);

/** Subscriptions whose lease has not ended. */
export async function countLiveSubscriptions(db: Db): Promise<number> {
  const [row] = await db.select({ value: count() }).from(websubSubscriptions).where(live());
  return Number(row?.value ?? 0);
}

/** Distinct feeds with a live subscription, and whether `feedUrl` is one of them. */
export async function countSubscribedFeeds(db: Db, feedUrl: string): Promise<{ feeds: number; subscribed: boolean }> {
  const rows = await queryRows<{ feeds: number | string; subscribed: boolean }>(
    db,
    sql`
    select count(distinct feed_url) as feeds, coalesce(bool_or(feed_url = ${feedUrl}), false) as subscribed
    from websub_subscriptions where expires_at > now()`,
  );
  return { feeds: Number(rows[0]?.feeds ?? 0), subscribed: Boolean(rows[0]?.subscribed) };
}

export async function findSubscription(db: Db, callback: string, topic: string): Promise<SubscriptionRow | undefined> {
  const [row] = await db
    .select()
    .from(websubSubscriptions)
    .where(and(eq(websubSubscriptions.callback, callback), eq(websubSubscriptions.topic, topic)));
  return row;
}

export interface VerifiedSubscription {
  callback: string;
  topic: string;
  feedUrl: string;
  baseUrl: string;
  secret?: string;
  leaseSeconds: number;
  /** Digest of the feed as it is now: only later changes are delivered. */
  digest: string;
}

/** Live subscriptions whose callback is on `host` (as WHATWG URL reads it: lower case, punycode, IPv6 in brackets). */
export async function countLiveForCallbackHost(db: Db, host: string): Promise<number> {
  // The host's name in the URL narrows the rows; parsing each one decides (a path may mention another host).
  const pattern = `%${host.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const rows = await queryRows<{ callback: string }>(
    db,
    sql`select callback from websub_subscriptions where expires_at > now() and callback ilike ${pattern}`,
  );
  return rows.filter((r) => httpUrlOf(r.callback)?.hostname === host).length;
}

export interface HubLimits {
  maxSubscriptions: number;
  maxPerCallbackHost: number;
  maxFeeds: number;
}

/** Why the hub cannot take a new subscription of `callback` to `feedUrl` (for a 503), or undefined when it can. */
export async function hubFull(
  db: Db,
  feedUrl: string,
  callback: string,
  limits: HubLimits,
): Promise<string | undefined> {
  if ((await countLiveSubscriptions(db)) >= limits.maxSubscriptions)
    return `The hub holds its limit of ${limits.maxSubscriptions} subscriptions`;
  const host = httpUrlOf(callback)?.hostname;
  if (host !== undefined && (await countLiveForCallbackHost(db, host)) >= limits.maxPerCallbackHost)
    return `The hub holds its limit of ${limits.maxPerCallbackHost} subscriptions with a callback on ${host}`;
  const { feeds, subscribed } = await countSubscribedFeeds(db, feedUrl);
  if (!subscribed && feeds >= limits.maxFeeds)
    return `The hub delivers its limit of ${limits.maxFeeds} distinct feeds; subscribe to one of those`;
  return undefined;
}

/**
 * Stores a verified subscription, or renews it (new lease and secret; what was delivered stays). False when it is new
 * and the hub is full (hubFull).
 */
export async function saveSubscription(db: Db, sub: VerifiedSubscription, limits: HubLimits): Promise<boolean> {
  const existing = await findSubscription(db, sub.callback, sub.topic);
  if (!existing || existing.expiresAt.getTime() <= Date.now()) {
    if (await hubFull(db, sub.feedUrl, sub.callback, limits)) return false;
  }
  const expiresAt = sql`now() + ${`${sub.leaseSeconds} seconds`}::interval`;
  const fields = {
    feedUrl: sub.feedUrl,
    baseUrl: sub.baseUrl,
    secret: sub.secret ?? null,
    leaseSeconds: sub.leaseSeconds,
    expiresAt,
    verifiedAt: sql`now()`,
  };
  await db
    .insert(websubSubscriptions)
    .values({ callback: sub.callback, topic: sub.topic, ...fields, deliveredDigest: sub.digest })
    .onConflictDoUpdate({
      target: [websubSubscriptions.callback, websubSubscriptions.topic],
      // An expired row being renewed starts afresh from the feed as it is now.
      set: {
        ...fields,
        deliveredDigest: sql`case when ${websubSubscriptions.expiresAt} <= now() then ${sub.digest} else ${websubSubscriptions.deliveredDigest} end`,
      },
    });
  return true;
}

export async function deleteSubscription(db: Db, callback: string, topic: string): Promise<void> {
  await db
    .delete(websubSubscriptions)
    .where(and(eq(websubSubscriptions.callback, callback), eq(websubSubscriptions.topic, topic)));
}

export async function deleteSubscriptionById(db: Db, id: number): Promise<void> {
  await db.delete(websubSubscriptions).where(eq(websubSubscriptions.id, id));
}

/** Deletes subscriptions whose lease ended; how many. */
export async function purgeExpired(db: Db): Promise<number> {
  const rows = await db
    .delete(websubSubscriptions)
    .where(lte(websubSubscriptions.expiresAt, sql`now()`))
    .returning({ id: websubSubscriptions.id });
  return rows.length;
}

/** The feeds someone is subscribed to, each once, with the base URL its links are written under. */
export async function subscribedFeeds(db: Db): Promise<{ feedUrl: string; baseUrl: string }[]> {
  return db
    .selectDistinct({ feedUrl: websubSubscriptions.feedUrl, baseUrl: websubSubscriptions.baseUrl })
    .from(websubSubscriptions)
    .where(live());
}

/**
 * Queues a delivery to every live subscriber of `feedUrl` that has not had (and is not waiting for) the feed with this
 * digest. Idempotent, so every worker process may run it after the same change.
 */
export async function markFeedChanged(db: Db, feedUrl: string, digest: string): Promise<number> {
  const s = websubSubscriptions;
  const rows = await db
    .update(s)
    .set({ pendingDigest: digest, attempts: 0, nextAttemptAt: sql`now()`, lastError: null })
    .where(
      and(
        eq(s.feedUrl, feedUrl),
        live(),
        sql`${s.deliveredDigest} is distinct from ${digest}`,
        sql`${s.pendingDigest} is distinct from ${digest}`,
      ),
    )
    .returning({ id: s.id });
  return rows.length;
}

/**
 * Takes up to `limit` due deliveries for this process for `claimMs` (longer than one attempt can take), so that no other
 * worker sends them meanwhile; a process that dies leaves them to be claimed again when the claim ends.
 */
export async function claimDueDeliveries(db: Db, limit: number, claimMs: number): Promise<SubscriptionRow[]> {
  if (limit <= 0) return [];
  const ids = await queryRows<{ id: number | string }>(
    db,
    sql`
    update websub_subscriptions set claim_until = now() + ${`${Math.ceil(claimMs / 1000)} seconds`}::interval
    where id in (
      select id from websub_subscriptions
      where pending_digest is not null and next_attempt_at <= now() and expires_at > now()
        and (claim_until is null or claim_until <= now())
      order by next_attempt_at, id limit ${limit}
      for update skip locked
    )
    returning id`,
  );
  if (ids.length === 0) return [];
  return db
    .select()
    .from(websubSubscriptions)
    .where(
      sql`${websubSubscriptions.id} in (${sql.join(
        ids.map((r) => sql`${Number(r.id)}`),
        sql`, `,
      )})`,
    );
}

/**
 * The subscriber has the feed with digest `sent`. The delivery claimed for `claimed` is done; a change queued meanwhile
 * (another digest) stays queued, due at once.
 */
export async function recordDelivered(db: Db, id: number, claimed: string, sent: string): Promise<void> {
  const s = websubSubscriptions;
  const done = sql`(${s.pendingDigest} is null or ${s.pendingDigest} in (${claimed}, ${sent}))`;
  await db
    .update(s)
    .set({
      deliveredDigest: sent,
      pendingDigest: sql`case when ${done} then null else ${s.pendingDigest} end`,
      nextAttemptAt: sql`case when ${done} then null else now() end`,
      attempts: 0,
      failedDeliveries: 0,
      claimUntil: null,
      lastDeliveredAt: sql`now()`,
      lastError: null,
    })
    .where(eq(s.id, id));
}

/** A failed attempt, tried again after `retryMs`. */
export async function recordFailedDelivery(
  db: Db,
  id: number,
  attempts: number,
  retryMs: number,
  error: string,
): Promise<void> {
  const s = websubSubscriptions;
  await db
    .update(s)
    .set({
      attempts,
      nextAttemptAt: sql`now() + ${`${Math.ceil(retryMs)} milliseconds`}::interval`,
      claimUntil: null,
      lastError: error,
    })
    .where(eq(s.id, id));
}

/**
 * A delivery given up: that content is settled (no runner queues it again, whichever noticed the change) and the
 * subscription waits for the next change, unless it has now had `dropAfter` changes in a row given up, when it is
 * deleted (true): a dead callback is not retried at every change forever.
 */
export async function giveUpDelivery(
  db: Db,
  id: number,
  attempts: number,
  error: string,
  dropAfter: number,
): Promise<boolean> {
  const s = websubSubscriptions;
  const dropped = await db
    .delete(s)
    .where(and(eq(s.id, id), sql`${s.failedDeliveries} + 1 >= ${dropAfter}`))
    .returning({ id: s.id });
  if (dropped.length > 0) return true;
  await db
    .update(s)
    .set({
      // Both read the row as it was: the digest given up becomes the one compared with at the next change.
      deliveredDigest: sql`coalesce(${s.pendingDigest}, ${s.deliveredDigest})`,
      pendingDigest: null,
      attempts: 0,
      nextAttemptAt: null,
      claimUntil: null,
      failedDeliveries: sql`${s.failedDeliveries} + 1`,
      lastError: `gave up after ${attempts} attempts: ${error}`,
    })
    .where(eq(s.id, id));
  return false;
}
