import { eq, sql } from 'drizzle-orm';
import type { DbOrTx } from './tx.js';
import { meta } from '../db/schema.js';

const KEY = 'data_version';

/** Marks that published data changed (ms timestamp, strictly increasing): feed caches and ETags key on it. */
export async function bumpDataVersion(db: DbOrTx): Promise<void> {
  await db
    .insert(meta)
    .values({ key: KEY, value: String(Date.now()) })
    .onConflictDoUpdate({
      target: meta.key,
      set: { value: sql`greatest(${meta.value}::bigint + 1, ${Date.now()})::text` },
    });
}

/** The current data version; 0 before anything was stored. */
export async function readDataVersion(db: DbOrTx): Promise<number> {
  const [row] = await db.select({ value: meta.value }).from(meta).where(eq(meta.key, KEY));
  return row ? Number(row.value) : 0;
}
