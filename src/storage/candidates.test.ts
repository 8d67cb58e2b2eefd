import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { original, outletArticle } from '../../test/fixtures/dedup/pairs.js';
import { GROUPS } from '../../test/fixtures/dedup/stories.js';
import { testDatabases } from '../../test/helpers/database.js';
import type { Database } from '../db/client.js';
import { queryRows } from '../db/rows.js';
import { sources } from '../db/schema.js';
import { MAX_VERIFIED } from '../dedup/plan.js';
import { sketchArticles } from '../dedup/sketch.js';
import { storeArticles } from './articles.js';
import { lookupCandidates } from './candidates.js';

const [[airDefence]] = GROUPS as unknown as [[(typeof GROUPS)[0][0]]];
const now = new Date('2026-11-20T00:00:00Z');
const copy = (guid: string) =>
  sketchArticles([outletArticle(guid, original(airDefence), '2026-11-05T10:00:00Z', now)])[0]!;

describe.each(testDatabases())('lookupCandidates on $name', (testDb) => {
  let database: Database;
  beforeAll(async () => {
    database = await testDb.open();
    const outlets = Array.from({ length: MAX_VERIFIED + 2 }, (_, i) => `outlet-${i}`);
    await database.db.insert(sources).values(outlets.map((id) => ({ id, url: `https://${id}.example/` })));
    for (const id of outlets) await storeArticles(database.db, { id, tags: [] }, [copy(`${id}-1`)], []);
  });
  afterAll(async () => database?.close());

  it('offers the best article of each of the best stories, so a story with many copies cannot hide another', async () => {
    // Two workers founding the same report at the same moment leave it in two stories: here the last copy is moved to
    // a story of its own, next to a story holding more copies than are verified.
    const [last] = await queryRows<{ id: number; story_id: number }>(
      database.db,
      sql`select id, story_id from articles order by id desc limit 1`,
    );
    const [split] = await queryRows<{ id: number }>(
      database.db,
      sql`insert into stories (uid, title, link, lead_article_id, published_at, updated_at)
        select uid || '-split', title, link, ${last!.id}, published_at, updated_at from stories where id = ${last!.story_id}
        returning id`,
    );
    await database.db.execute(sql`update articles set story_id = ${split!.id} where id = ${last!.id}`);
    const stories = await queryRows<{ story_id: number; n: number }>(
      database.db,
      sql`select story_id, count(*)::int as n from articles group by story_id order by story_id`,
    );
    expect(stories.map((s) => s.n)).toEqual([MAX_VERIFIED + 1, 1]);

    const { candidates } = await lookupCandidates(database.db, [copy('probe')]);
    expect(new Set(candidates[0]!.map((c) => c.storyId))).toEqual(new Set(stories.map((s) => Number(s.story_id))));
    expect(candidates[0]).toHaveLength(2);
  });
});
