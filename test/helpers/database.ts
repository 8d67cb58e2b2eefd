import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { openDatabase, type Database } from '../../src/db/client.js';

export interface TestDatabase {
  name: 'pglite' | 'postgres';
  open(): Promise<Database>;
}

/**
 * Databases every storage test runs on: embedded PGlite always, the real server when TEST_DATABASE_URL is set. Each
 * open() on the server creates a fresh database (dropped on close), so test files never see each other's rows.
 */
export function testDatabases(): TestDatabase[] {
  const list: TestDatabase[] = [{ name: 'pglite', open: openMigrated(() => openDatabase({ dataDir: 'memory://' })) }];
  const url = process.env.TEST_DATABASE_URL;
  if (url) list.push({ name: 'postgres', open: openMigrated(() => openFreshPostgres(url)) });
  return list;
}

function openMigrated(open: () => Promise<Database>) {
  return async () => {
    const db = await open();
    await db.migrate();
    return db;
  };
}

async function openFreshPostgres(adminUrl: string): Promise<Database> {
  const fresh = await freshPostgresUrl(adminUrl);
  const database = await openDatabase({ url: fresh.url });
  return {
    ...database,
    async close() {
      await database.close();
      await fresh.drop();
    },
  };
}

/** The URL of a fresh database on the real server (for tests that start child processes), and its cleanup. */
export async function freshPostgresUrl(adminUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `tributary_t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    async drop() {
      const cleanup = postgres(adminUrl, { max: 1, onnotice: () => {} });
      await cleanup.unsafe(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}

export interface ChildDatabase {
  /** Environment that points a child `tributary` process at this database. */
  env: Record<string, string>;
  /** Opens it from the test (for PGlite only while no child process has it open). */
  open(): Promise<Database>;
  drop(): Promise<void>;
}

/** Databases for tests that run the CLI as child processes: PGlite in a temporary directory, and the real server when set. */
export function childDatabases(): { name: 'pglite' | 'postgres'; create(): Promise<ChildDatabase> }[] {
  const list: { name: 'pglite' | 'postgres'; create(): Promise<ChildDatabase> }[] = [
    {
      name: 'pglite',
      async create() {
        const dir = mkdtempSync(join(tmpdir(), 'tributary-pglite-'));
        return {
          env: { DATA_DIR: dir },
          open: () => openDatabase({ dataDir: dir }),
          drop: async () => rmSync(dir, { recursive: true, force: true }),
        };
      },
    },
  ];
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (adminUrl) {
    list.push({
      name: 'postgres',
      async create() {
        const fresh = await freshPostgresUrl(adminUrl);
        return { env: { DATABASE_URL: fresh.url }, open: () => openDatabase({ url: fresh.url }), drop: fresh.drop };
      },
    });
  }
  return list;
}
