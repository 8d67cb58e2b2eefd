import { eq, notInArray, sql } from 'drizzle-orm';
import type { Config, SourceConfig } from '../config/schema.js';
import type { Db } from '../db/client.js';
import { SYNC_SOURCES_LOCK } from '../db/locks.js';
import { sources } from '../db/schema.js';
import { sha256 } from '../processor/hash.js';

export type SourceRow = typeof sources.$inferSelect;

/** Changes to these fields reset what the fetcher learned (a 410, a remembered redirect). */
const configHash = (source: SourceConfig) => sha256(JSON.stringify({ url: source.url, enabled: source.enabled }));

/** Makes the sources table follow the YAML file; sources removed from the file stay, marked not in config. */
export async function syncSources(db: Db, config: Config): Promise<void> {
  await db.transaction(async (tx) => {
    // Replicas starting together (or reloading the same edit) take turns, so each sees the others' rows.
    await tx.execute(sql`select pg_advisory_xact_lock(${SYNC_SOURCES_LOCK})`);
    const existing = new Map(
      (await tx.select({ id: sources.id, configHash: sources.configHash }).from(sources)).map((r) => [
        r.id,
        r.configHash,
      ]),
    );
    // Spread first polls of a big import (about 8 a second, over a minute at most) so it does not fire every request at
    // once; a few added sources are due at once.
    const added = config.sources.filter((s) => !existing.has(s.id)).length;
    const spreadMs = added <= 10 ? 0 : Math.min(60_000, 120 * added);
    for (const source of config.sources) {
      const hash = configHash(source);
      const values = {
        url: source.url,
        name: source.name ?? null,
        tags: source.tags,
        enabled: source.enabled,
        inConfig: true,
      };
      if (!existing.has(source.id)) {
        const jitter = Math.floor(Math.random() * spreadMs);
        await tx
          .insert(sources)
          .values({ id: source.id, ...values, configHash: hash, nextFetchAt: new Date(Date.now() + jitter) });
      } else if (existing.get(source.id) !== hash) {
        await tx
          .update(sources)
          .set({
            ...values,
            configHash: hash,
            gone: false,
            currentUrl: null,
            etag: null,
            lastModified: null,
            consecutiveFailures: 0,
            nextFetchAt: new Date(),
          })
          .where(eq(sources.id, source.id));
      } else {
        await tx.update(sources).set(values).where(eq(sources.id, source.id));
      }
    }
    const ids = config.sources.map((s) => s.id);
    await tx
      .update(sources)
      .set({ inConfig: false })
      .where(ids.length > 0 ? notInArray(sources.id, ids) : sql`true`);
  });
}

export async function listSources(db: Db): Promise<(SourceRow & { articleCount: number })[]> {
  const rows = await db
    .select({
      source: sources,
      articleCount: sql<number>`(select count(*) from articles a where a.source_id = "sources"."id")`,
    })
    .from(sources)
    .orderBy(sources.id);
  return rows.map((r) => ({ ...r.source, articleCount: Number(r.articleCount) }));
}

/**
 * One word for the operator: ok, failing, throttled (asked us to come back later), gone, pending (never fetched),
 * disabled, removed (from the config).
 */
export function sourceStatus(s: {
  enabled: boolean;
  inConfig: boolean;
  gone: boolean;
  consecutiveFailures: number;
  lastAttemptAt: Date | null;
  lastError?: string | null;
  lastStatus?: number | null;
}): string {
  if (!s.inConfig) return 'removed';
  if (!s.enabled) return 'disabled';
  if (s.gone) return 'gone';
  if (s.consecutiveFailures > 0) return 'failing';
  if (s.lastError && (s.lastStatus === 429 || s.lastStatus === 503)) return 'throttled';
  return s.lastAttemptAt ? 'ok' : 'pending';
}
