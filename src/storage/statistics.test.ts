import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { testDatabases } from '../../test/helpers/database.js';
import type { Database } from '../db/client.js';
import { queryRows } from '../db/rows.js';
import { articles, sources } from '../db/schema.js';
import { noteArticlesAdded } from './statistics.js';

describe.each(testDatabases())('planner statistics on $name', (testDb) => {
  let database: Database;
  const plannerRows = async () =>
    (
      await queryRows<{ n: number }>(
        database.db,
        sql`select reltuples::float8 as n from pg_class where oid = 'articles'::regclass`,
      )
    )[0]!.n;
  beforeAll(async () => {
    database = await testDb.open();
    await database.db.insert(sources).values({ id: 's', url: 'https://s.example/' });
    await database.db.insert(articles).values(
      Array.from({ length: 30 }, (_, i) => ({
        sourceId: 's',
        guid: `g${i}`,
        title: `t${i}`,
        text: '',
        publishedAt: new Date(),
        contentHash: `h${i}`,
        fingerprint: `f${i}`,
      })),
    );
  });
  afterAll(async () => database?.close());

  it('analyzes the ingest tables once enough articles were added, and not before', async () => {
    expect(await plannerRows()).not.toBe(30);
    expect(noteArticlesAdded(database.db, 999)).toBeUndefined();
    const run = noteArticlesAdded(database.db, 1);
    expect(run).toBeInstanceOf(Promise);
    await run;
    expect(await plannerRows()).toBe(30);
    // The growth is counted from the new figure: one more article is not enough.
    expect(noteArticlesAdded(database.db, 1)).toBeUndefined();
  });
});
