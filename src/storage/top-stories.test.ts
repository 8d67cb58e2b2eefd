import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/helpers/database.js';
import type { Database } from '../db/client.js';
import { queryRows } from '../db/rows.js';
import { rankTopStories, queryTopStories } from './top-stories.js';

const now = new Date('2026-11-20T12:00:00Z');
const HOUR = 3_600_000;
const hoursAgo = (h: number) => new Date(now.getTime() - h * HOUR).toISOString();

/**
 * A world whose ranking is known: story → articles as [source, hours ago]. Within 24 h: "quad" 4 outlets, "tri-new"
 * and "tri-old" 3 (tie broken by the newer report), "pair" 2, "solo" 1 outlet with 3 articles, "old" 4 outlets but only
 * 1 within 24 h (3 within 7 d), "space" 2 outlets in topic space.
 */
const WORLD: Record<string, [string, number][]> = {
  quad: [
    ['a', 10],
    ['b', 9],
    ['c', 8],
    ['d', 7],
  ],
  'tri-new': [
    ['a', 3],
    ['b', 2],
    ['c', 1],
  ],
  'tri-old': [
    ['b', 6],
    ['c', 5],
    ['d', 4],
    ['d', 3.5],
  ],
  pair: [
    ['a', 20],
    ['e', 19],
  ],
  solo: [
    ['e', 2],
    ['e', 1.5],
    ['e', 1],
  ],
  old: [
    ['a', 100],
    ['b', 90],
    ['c', 80],
    ['d', 12],
  ],
  space: [
    ['c', 11],
    ['e', 11.5],
  ],
};

describe.each(testDatabases())('top stories on $name', (testDb) => {
  let database: Database;
  const ids = new Map<string, number>();
  const rank = async (query: Partial<Parameters<typeof rankTopStories>[1]> = {}) =>
    (await rankTopStories(database.db, { windowMs: 24 * HOUR, minOutlets: 2, limit: 50, now, ...query })).map((r) => [
      [...ids].find(([, id]) => id === r.storyId)![0],
      r.sourceIds.length,
    ]);

  beforeAll(async () => {
    database = await testDb.open();
    const { db } = database;
    await db.execute(
      sql`insert into sources (id, url, name) select s, 'https://' || s || '.example/', upper(s) from unnest(array['a','b','c','d','e']) s`,
    );
    await db.execute(sql`insert into topics (id, title, definition_hash) values ('space', 'Space', 'x')`);
    let n = 0;
    for (const [name, carried] of Object.entries(WORLD)) {
      const [{ id }] = (await queryRows<{ id: number | string }>(
        db,
        sql`insert into stories (uid, title, published_at, updated_at)
        values (${`urn:test:${name}`}, ${name}, ${hoursAgo(carried[0]![1])}::timestamptz, ${hoursAgo(carried[0]![1])}::timestamptz) returning id`,
      )) as [{ id: number | string }];
      ids.set(name, Number(id));
      for (const [source, hours] of carried) {
        n++;
        await db.execute(sql`insert into articles (source_id, guid, title, published_at, content_hash, fingerprint, story_id)
          values (${source}, ${`g${n}`}, ${name}, ${hoursAgo(hours)}::timestamptz, ${`h${n}`}, ${`f${n}`}, ${Number(id)})`);
      }
      // What ingest maintains: the article count, and updated_at at the newest report.
      await db.execute(sql`update stories set article_count = ${carried.length},
        updated_at = (select max(published_at) from articles where story_id = ${Number(id)}) where id = ${Number(id)}`);
      if (name === 'space')
        await db.execute(
          sql`insert into story_topics (topic_id, story_id, published_at) values ('space', ${Number(id)}, now())`,
        );
    }
  });
  afterAll(async () => database?.close());

  /** The default ranking (24 hours, at least 2 outlets) of the stories made above. */
  const DAY_RANKING = [
    ['quad', 4],
    ['tri-new', 3],
    ['tri-old', 3],
    ['space', 2],
    ['pair', 2],
  ];

  it('ranks by distinct outlets within the window, ties by the newest report, at least min_outlets', async () => {
    expect(await rank()).toEqual(DAY_RANKING);
  });

  it('counts only what was published within the window', async () => {
    expect(await rank({ windowMs: 6 * HOUR })).toEqual([
      ['tri-new', 3],
      ['tri-old', 2],
    ]);
    expect(await rank({ windowMs: 7 * 24 * HOUR, minOutlets: 4 })).toEqual([
      ['quad', 4],
      ['old', 4],
    ]);
  });

  it('applies min_outlets, limit and the topic', async () => {
    expect(await rank({ minOutlets: 1 })).toContainEqual(['solo', 1]);
    expect(await rank({ minOutlets: 3 })).toEqual([
      ['quad', 4],
      ['tri-new', 3],
      ['tri-old', 3],
    ]);
    expect(await rank({ limit: 2 })).toEqual([
      ['quad', 4],
      ['tri-new', 3],
    ]);
    expect(await rank({ topic: 'space' })).toEqual([['space', 2]]);
  });

  it('loads the ranked stories in rank order, with the outlets counted for each', async () => {
    const { stories, coverage } = await queryTopStories(database.db, {
      windowMs: 24 * HOUR,
      minOutlets: 3,
      limit: 50,
      now,
    });
    expect(stories.map((s) => s.title)).toEqual(['quad', 'tri-new', 'tri-old']);
    expect(coverage.get(ids.get('tri-old')!)).toEqual(['b', 'c', 'd']);
    expect(stories[0]!.outlets.map((o) => o.name)).toEqual(['A', 'B', 'C', 'D']);
  });

  it('reads candidates a batch at a time, past many that the window leaves empty, to the same ranking', async () => {
    // 450 stories of five articles each, all edited within the day but reported 30 hours ago: the first candidates read.
    await database.db.execute(sql`with made as (
        insert into stories (uid, title, published_at, updated_at, article_count)
        select 'urn:filler:' || g, 'filler ' || g, ${hoursAgo(30)}::timestamptz, ${hoursAgo(1)}::timestamptz, 5 from generate_series(1, 450) g
        returning id)
      insert into articles (source_id, guid, title, published_at, content_hash, fingerprint, story_id)
      select s, 'filler-' || made.id || s, 'filler', ${hoursAgo(30)}::timestamptz, 'fh', 'ff', made.id
      from made, unnest(array['a','b','c','d','e']) s`);
    expect(await rank()).toEqual(DAY_RANKING);
    expect(await rank({ limit: 1 })).toEqual([['quad', 4]]);
    const week = await rankTopStories(database.db, { windowMs: 7 * 24 * HOUR, minOutlets: 2, limit: 3, now });
    expect(week.map((r) => r.sourceIds.length)).toEqual([5, 5, 5]);
  });

  it('reads candidates from stories_coverage_idx, not the articles of the window', async () => {
    // A handful of rows would be read sequentially anyway: ask whether the index can serve the candidates at all.
    const plan = await database.db.transaction(async (tx) => {
      await tx.execute(sql`set local enable_seqscan = off`);
      return queryRows<Record<string, string>>(
        tx,
        sql`explain select s.id from stories s
        where s.article_count >= 2 and s.updated_at > now() - interval '1 day'
        order by s.article_count desc, s.updated_at desc, s.id desc limit 200`,
      );
    });
    expect(plan.map((row) => Object.values(row)[0]).join('\n')).toMatch(/Index.* (on|using) stories_coverage_idx/);
  });
});
