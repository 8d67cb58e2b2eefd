import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import { textArray } from '../db/arrays.js';
import { CLAIM_LOCK } from '../db/locks.js';
import type { Db } from '../db/client.js';
import { queryRows } from '../db/rows.js';
import { sources } from '../db/schema.js';
import { metrics } from '../metrics/registry.js';
import type { SourceRow } from '../storage/sources.js';

export interface ClaimOptions {
  owner: string;
  leaseMs: number;
  limit: number;
  /** Requests allowed in flight to one host, counted over every worker's leases. */
  perHost: number;
  /** Claim these sources whether due or not (`tributary fetch`); otherwise only due ones. */
  ids?: string[];
  force?: boolean;
  /** Sources already handled in this pass. */
  exclude?: string[];
  /**
   * Give up at once, claiming nothing (`busy`), when another worker is claiming: for a worker that still has refreshes
   * in flight and can come back, rather than wait (with three workers on two cores, waiting took ~4 s of a 20 s pass).
   */
  skipIfBusy?: boolean;
}

/**
 * Leases up to `limit` sources to this worker, oldest due first, never more per host than `perHost` minus the leases
 * other passes and workers already hold there. A lease lasts one source's refresh; a crashed worker's leases expire.
 */
export interface Claim {
  rows: SourceRow[];
  /** Candidates left unclaimed only because their host is at its limit. */
  heldBack: number;
  /** Another worker was claiming (only with skipIfBusy): nothing was looked at. */
  busy?: boolean;
}

export async function claimSources(db: Db, options: ClaimOptions): Promise<Claim> {
  const due = options.force ? sql`true` : sql`s.next_fetch_at <= now()`;
  const named = options.ids ? sql`s.id = any(${textArray(options.ids)}::text[])` : sql`true`;
  const fresh = options.exclude?.length ? sql`not (s.id = any(${textArray(options.exclude)}::text[]))` : sql`true`;
  const claimed = await db.transaction(async (tx) => {
    // Claims are short; serializing them keeps two workers from both taking a host's last free slot.
    if (options.skipIfBusy) {
      const [got] = await queryRows<{ locked: boolean }>(
        tx,
        sql`select pg_try_advisory_xact_lock(${CLAIM_LOCK}) as locked`,
      );
      if (!got?.locked) return undefined;
    } else {
      const waiting = performance.now();
      await tx.execute(sql`select pg_advisory_xact_lock(${CLAIM_LOCK})`);
      metrics.claimLockWait.observe((performance.now() - waiting) / 1000);
    }
    return queryRows<{ ids: string[] | null; held_back: number | string }>(
      tx,
      sql`
      with candidates as (
        select s.id, s.next_fetch_at,
          row_number() over (partition by s.host order by s.next_fetch_at, s.id)
            + (select count(*) from sources busy where busy.host = s.host and busy.lease_until > now()) as slot
        from sources s
        where s.in_config and s.enabled and not s.gone and ${due} and ${named} and ${fresh}
          and (s.lease_until is null or s.lease_until <= now())
      ), claimed as (
        update sources set lease_owner = ${options.owner},
          lease_until = now() + ${`${Math.ceil(options.leaseMs / 1000)} seconds`}::interval
        where id in (
          select id from candidates where slot <= ${options.perHost} order by next_fetch_at, id limit ${Math.max(0, options.limit)}
        )
        returning id
      )
      select (select array_agg(id) from claimed) as ids,
             (select count(*) from candidates where slot > ${options.perHost}) as held_back`,
    );
  });
  if (!claimed) return { rows: [], heldBack: 0, busy: true };
  const [result] = claimed;
  const ids = result?.ids ?? [];
  const heldBack = Number(result?.held_back ?? 0);
  if (ids.length === 0) return { rows: [], heldBack };
  return {
    rows: await db
      .select()
      .from(sources)
      .where(sql`${sources.id} = any(${textArray(ids)}::text[])`),
    heldBack,
  };
}

/** Gives back every lease this worker holds (shutdown), so other workers need not wait for them to expire. */
export async function releaseLeases(db: Db, owner: string): Promise<void> {
  await db
    .update(sources)
    .set({ leaseOwner: null, leaseUntil: null })
    .where(sql`${sources.leaseOwner} = ${owner}`);
}
