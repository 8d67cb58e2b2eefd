import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { MIGRATION_LOCK } from './locks.js';
import * as schema from './schema.js';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface Database {
  db: Db;
  kind: 'postgres' | 'pglite';
  /** Applies pending drizzle-kit migrations from `drizzle/`. */
  migrate(): Promise<void>;
  /** Connections this process holds, as the server sees them (for metrics). */
  poolUse(): Promise<PoolUse>;
  close(): Promise<void>;
}

export interface PoolUse {
  max: number;
  open: number;
  /** Busy with a query, not counting the one asking. */
  active: number;
}

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../drizzle', import.meta.url));

export interface DatabaseOptions {
  /** Postgres connection string; when absent the embedded PGlite database in `dataDir` is used. */
  url?: string;
  /** Directory of the embedded database; `memory://` keeps it in memory (tests). */
  dataDir?: string;
  maxConnections?: number;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.url
    ? openPostgres(options.url, options.maxConnections ?? 10)
    : openPglite(options.dataDir ?? './data');
}

async function openPostgres(url: string, max: number): Promise<Database> {
  const { default: postgres } = await import('postgres');
  const { drizzle } = await import('drizzle-orm/postgres-js');
  const { migrate } = await import('drizzle-orm/postgres-js/migrator');
  // A name per process lets pg_stat_activity (and poolUse) tell this pool's connections from other replicas'.
  const applicationName = `tributary-${process.pid}`;
  const client = postgres(url, {
    max,
    onnotice: () => {},
    idle_timeout: 30,
    connect_timeout: 10,
    // Only application_name: PgBouncer (session mode is supported) refuses other startup parameters, so settings
    // such as jit stay the server's. The ingest queries are shaped so that a plan made without statistics still
    // probes indexes (storage/candidates.ts).
    connection: { application_name: applicationName },
  });
  const db = drizzle(client, { schema });
  return {
    db: db as unknown as Db,
    kind: 'postgres',
    async migrate() {
      // Replicas start together: one migrates while the others wait on a session lock, then find nothing to do.
      const session = await client.reserve();
      try {
        await session`select pg_advisory_lock(${MIGRATION_LOCK})`;
        await migrate(db, { migrationsFolder: MIGRATIONS_DIR });
      } finally {
        await session`select pg_advisory_unlock(${MIGRATION_LOCK})`.catch(() => {});
        session.release();
      }
    },
    async poolUse() {
      const [row] = await client<{ open: number; active: number }[]>`
        select count(*)::int as open, count(*) filter (where state = 'active')::int as active
        from pg_stat_activity where application_name = ${applicationName}`;
      return { max, open: row?.open ?? 0, active: Math.max(0, (row?.active ?? 1) - 1) };
    },
    close: () => client.end({ timeout: 5 }),
  };
}

async function openPglite(dataDir: string): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const { migrate } = await import('drizzle-orm/pglite/migrator');
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
  const client = await PGlite.create(dataDir);
  const db = drizzle(client, { schema });
  return {
    db: db as unknown as Db,
    kind: 'pglite',
    migrate: () => migrate(db, { migrationsFolder: MIGRATIONS_DIR }),
    // One in-process connection, always open.
    poolUse: async () => ({ max: 1, open: 1, active: 0 }),
    close: () => client.close(),
  };
}
