import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { queryRows } from '../db/rows.js';
import { sources } from '../db/schema.js';
import type { SourceRow } from '../storage/sources.js';

export interface ClaimOptions {
  owner: string;
  leaseMs: number;
  limit: number;
  /** Claim these sources whether due or not (`tributary fetch`); otherwise only due ones. */
  ids?: string[];
  force?: boolean;
}

/**
 * Leases sources to this worker. SKIP LOCKED lets any number of workers claim concurrently without waiting on each
 * other, and the lease expiry hands a crashed worker's sources to the others.
 */
export async function claimSources(db: Db, options: ClaimOptions): Promise<SourceRow[]> {
  const due = options.force ? sql`true` : sql`next_fetch_at <= now()`;
  const named = options.ids ? sql`id = any(${`{${options.ids.join(',')}}`}::text[])` : sql`true`;
  const rows = await queryRows<{ id: string }>(db, sql`
    update sources set lease_owner = ${options.owner},
      lease_until = now() + ${`${Math.ceil(options.leaseMs / 1000)} seconds`}::interval
    where id in (
      select id from sources
      where in_config and enabled and not gone and ${due} and ${named}
        and (lease_until is null or lease_until < now())
      order by next_fetch_at
      limit ${options.limit}
      for update skip locked
    )
    returning id`);
  if (rows.length === 0) return [];
  return db.select().from(sources).where(sql`${sources.id} = any(${`{${rows.map((r) => r.id).join(',')}}`}::text[])`);
}
