import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load.js';
import type { Database } from '../db/client.js';
import { sources } from '../db/schema.js';
import { syncSources } from '../storage/sources.js';
import { testDatabases } from '../../test/helpers/database.js';
import { CLAIM_LOCK } from '../db/locks.js';
import { claimSources, releaseLeases, type ClaimOptions } from './claim.js';

// Three sources on host a, two on host b, one each disabled, gone-to-be and removed-to-be.
const YAML = `sources:
  - { id: a1, url: "https://a.example/1.xml" }
  - { id: a2, url: "https://a.example/2.xml" }
  - { id: a3, url: "https://A.example/3.xml" }
  - { id: b1, url: "https://b.example/1.xml" }
  - { id: b2, url: "https://b.example:8443/2.xml" }
  - { id: off, url: "https://c.example/off.xml", enabled: false }
  - { id: gone, url: "https://c.example/gone.xml" }
`;

describe.each(testDatabases())('claiming sources on $name', (testDb) => {
  let database: Database;
  const claim = async (options: Partial<ClaimOptions> = {}) => {
    const result = await claimSources(database.db, {
      owner: 'w1',
      leaseMs: 60_000,
      limit: 10,
      perHost: 10,
      ...options,
    });
    return { ids: result.rows.map((r) => r.id).sort(), heldBack: result.heldBack };
  };
  /** Makes a source due `minutesAgo` minutes ago (negative: due in the future). */
  const dueSince = (id: string, minutesAgo: number) =>
    database.db
      .update(sources)
      .set({ nextFetchAt: new Date(Date.now() - minutesAgo * 60_000) })
      .where(eq(sources.id, id));

  beforeAll(async () => {
    database = await testDb.open();
  });
  afterAll(async () => database?.close());

  beforeEach(async () => {
    await database.db.delete(sources);
    const parsed = parseConfig(YAML, 'claim.yaml');
    if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
    await syncSources(database.db, parsed.config);
    await database.db.update(sources).set({ gone: true }).where(eq(sources.id, 'gone'));
    // Due one after the other: a1 first.
    for (const [i, id] of ['a1', 'a2', 'a3', 'b1', 'b2', 'off', 'gone'].entries()) await dueSince(id, 10 - i);
  });

  it('claims due, enabled sources that are not gone, oldest due first, up to the limit', async () => {
    expect(await claim({ limit: 2 })).toEqual({ ids: ['a1', 'a2'], heldBack: 0 });
    expect(await claim()).toEqual({ ids: ['a3', 'b1', 'b2'], heldBack: 0 });
    expect(await claim()).toEqual({ ids: [], heldBack: 0 });
  });

  // Two sessions at once: PGlite has one.
  if (testDb.name === 'postgres')
    it('with skipIfBusy claims nothing while another worker claims; without it, waits for that claim', async () => {
      let release = () => {};
      let locked = () => {};
      const isLocked = new Promise<void>((resolve) => (locked = resolve));
      const holder = database.db.transaction(async (tx) => {
        await tx.execute(sql`select pg_advisory_xact_lock(${CLAIM_LOCK})`);
        locked();
        await new Promise<void>((resolve) => (release = resolve));
      });
      await isLocked;
      const options = { owner: 'w1', leaseMs: 60_000, limit: 10, perHost: 10 };
      expect(await claimSources(database.db, { ...options, skipIfBusy: true })).toEqual({
        rows: [],
        heldBack: 0,
        busy: true,
      });
      let settled = false;
      const waiting = claim().finally(() => (settled = true));
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(settled).toBe(false);
      release();
      await holder;
      expect(await waiting).toEqual({ ids: ['a1', 'a2', 'a3', 'b1', 'b2'], heldBack: 0 });
    });

  it('skips sources not yet due, and those removed from the config', async () => {
    await dueSince('a2', -5);
    await database.db.update(sources).set({ inConfig: false }).where(eq(sources.id, 'b1'));
    expect((await claim()).ids).toEqual(['a1', 'a3', 'b2']);
  });

  it('records the lease, and does not claim a leased source again until the lease has run out', async () => {
    await claim({ ids: ['a1'] });
    const [row] = await database.db.select().from(sources).where(eq(sources.id, 'a1'));
    expect(row!.leaseOwner).toBe('w1');
    expect(row!.leaseUntil!.getTime()).toBeGreaterThan(Date.now() + 50_000);
    expect((await claim({ owner: 'w2' })).ids).not.toContain('a1');
    // A crashed worker's lease expires.
    await database.db
      .update(sources)
      .set({ leaseUntil: sql`now() - interval '1 second'` })
      .where(eq(sources.id, 'a1'));
    expect((await claim({ owner: 'w2', ids: ['a1'] })).ids).toEqual(['a1']);
  });

  it("takes no more per host than the limit, counting other workers' leases, and says how many it held back", async () => {
    // Host a (case-insensitive) has three due, host b has two hosts (the port counts) with one each.
    expect(await claim({ perHost: 2 })).toEqual({ ids: ['a1', 'a2', 'b1', 'b2'], heldBack: 1 });
    await releaseLeases(database.db, 'w1');
    await claim({ owner: 'other', ids: ['a1'] });
    expect(await claim({ perHost: 1 })).toEqual({ ids: ['b1', 'b2'], heldBack: 2 });
  });

  it('claims named sources whether due or not, and leaves out those excluded', async () => {
    await dueSince('a1', -60);
    expect((await claim({ ids: ['a1', 'b1'] })).ids).toEqual(['b1']);
    await releaseLeases(database.db, 'w1');
    expect((await claim({ ids: ['a1', 'b1'], force: true, exclude: ['b1'] })).ids).toEqual(['a1']);
    // Disabled and gone stay unclaimed even when named.
    expect((await claim({ ids: ['off', 'gone'], force: true })).ids).toEqual([]);
  });

  it('gives back only its own leases', async () => {
    await claim({ ids: ['a1'] });
    await claim({ owner: 'w2', ids: ['b1'] });
    await releaseLeases(database.db, 'w1');
    const leased = await database.db
      .select({ id: sources.id, owner: sources.leaseOwner })
      .from(sources)
      .where(sql`${sources.leaseOwner} is not null`);
    expect(leased).toEqual([{ id: 'b1', owner: 'w2' }]);
  });
});
