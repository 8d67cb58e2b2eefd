import { and, count, eq, gt, lte, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { queryRows } from '../db/rows.js';
import { websubSubscriptions } from '../db/schema.js';

export type SubscriptionRow = typeof websubSubscriptions.$inferSelect;

const live = () => gt(websubSubscriptions.expiresAt, sql`now()`);

/** Subscriptions whose lease has not ended. */
export async function countLiveSubscriptions(db: Db): Promise<number> {
  const [row] = await db.select({ value: count() }).from(websubSubscriptions).where(live());
  return Number(row?.value ?? 0);
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

/**
 * Stores a verified subscription, or renews it (new lease and secret; what was delivered stays). False when it is new
 * and the hub already holds `max` live subscriptions.
 */
export async function saveSubscription(db: Db, sub: VerifiedSubscription, max: number): Promise<boolean> {
  const existing = await findSubscription(db, sub.callback, sub.topic);
  if (!existing || existing.expiresAt.getTime() <= Date.now()) {
    if ((await countLiveSubscriptions(db)) >= max) return false;
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
      claimUntil: null,
      lastDeliveredAt: sql`now()`,
      lastError: null,
    })
    .where(eq(s.id, id));
}

/** A failed attempt: tried again after `retryMs`, or given up (undefined) until the feed changes again. */
export async function recordFailedDelivery(
  db: Db,
  id: number,
  attempts: number,
  retryMs: number | undefined,
  error: string,
): Promise<void> {
  const s = websubSubscriptions;
  await db
    .update(s)
    .set(
      retryMs === undefined
        ? {
            pendingDigest: null,
            attempts: 0,
            nextAttemptAt: null,
            claimUntil: null,
            lastError: `gave up after ${attempts} attempts: ${error}`,
          }
        : {
            attempts,
            nextAttemptAt: sql`now() + ${`${Math.ceil(retryMs)} milliseconds`}::interval`,
            claimUntil: null,
            lastError: error,
          },
    )
    .where(eq(s.id, id));
}
