import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, eq, inArray, sql } from 'drizzle-orm';
import { original, outletArticle, wireCopy, trimmedCopy } from '../../test/fixtures/dedup/pairs.js';
import { GROUPS } from '../../test/fixtures/dedup/stories.js';
import { testDatabases } from '../../test/helpers/database.js';
import { storeNormalized } from '../../test/helpers/store.js';
import { queryRows } from '../db/rows.js';
import type { Database } from '../db/client.js';
import { articleBands, articles, sources, stories, topics as topicTable } from '../db/schema.js';
import { compileTopic } from '../topics/match.js';

const [[airDefence, membership], [starship]] = GROUPS as [
  [(typeof GROUPS)[0][0], (typeof GROUPS)[0][1]],
  [(typeof GROUPS)[1][0]],
];
const now = new Date('2026-11-20T00:00:00Z');
const item = (guid: string, copy: { title: string; html: string }, date: string) =>
  outletArticle(guid, copy, date, now);
const topics = [compileTopic({ id: 'nato', include: ['NATO'], exclude: [] })];

describe.each(testDatabases())('storeArticles on $name', (testDb) => {
  let database: Database;
  beforeAll(async () => {
    database = await testDb.open();
    await database.db.insert(sources).values([
      { id: 'a', url: 'https://a.example/' },
      { id: 'b', url: 'https://b.example/' },
    ]);
    await database.db.insert(topicTable).values({ id: 'nato', title: 'NATO', definitionHash: 'x' });
  });
  afterAll(async () => database?.close());

  it('makes one story of copies arriving in the same batch, and keeps different reports apart', async () => {
    const result = await storeNormalized(
      database.db,
      { id: 'a', tags: [] },
      [
        item('1', original(airDefence), '2026-11-05T09:00:00Z'),
        item('2', wireCopy(airDefence), '2026-11-05T10:00:00Z'),
        item('3', original(membership), '2026-11-12T09:00:00Z'),
        item('4', original(starship), '2026-11-06T09:00:00Z'),
      ],
      topics,
    );
    expect(result).toEqual({ added: 4, updated: 0, unchanged: 0, merged: 1, expired: 0 });
    const rows = await database.db
      .select({ title: stories.title, count: stories.articleCount })
      .from(stories)
      .orderBy(stories.publishedAt);
    expect(rows).toEqual([
      { title: airDefence.title, count: 2 },
      { title: starship.title, count: 1 },
      { title: membership.title, count: 1 },
    ]);
  });

  it('joins a later copy from another source to the stored story, and stores nothing twice', async () => {
    const result = await storeNormalized(
      database.db,
      { id: 'b', tags: [] },
      [item('x', trimmedCopy(airDefence), '2026-11-05T11:00:00Z')],
      topics,
    );
    expect(result).toMatchObject({ added: 1, merged: 1 });
    const [{ value: storyCount }] = (await database.db.select({ value: count() }).from(stories)) as [{ value: number }];
    expect(Number(storyCount)).toBe(3);
    const again = await storeNormalized(
      database.db,
      { id: 'b', tags: [] },
      [item('x', trimmedCopy(airDefence), '2026-11-05T11:00:00Z')],
      topics,
    );
    expect(again).toEqual({ added: 0, updated: 0, unchanged: 1, merged: 0, expired: 0 });
    const [{ value: bandRows }] = (await database.db.select({ value: count() }).from(articleBands)) as [
      { value: number },
    ];
    const [{ value: articleRows }] = (await database.db.select({ value: count() }).from(articles)) as [
      { value: number },
    ];
    expect(Number(articleRows)).toBe(5);
    expect(Number(bandRows)).toBeGreaterThanOrEqual(5 * 15);
  });

  it('makes a copy published before the lead the new lead, and only counts one published after it', async () => {
    // The lead's headline is the story's: the wire copy's carries its "UPDATE 2-" prefix.
    const starshipStory = () =>
      database.db
        .select({
          title: stories.title,
          link: stories.link,
          publishedAt: stories.publishedAt,
          updatedAt: stories.updatedAt,
          count: stories.articleCount,
          lead: stories.leadArticleId,
        })
        .from(stories)
        .where(inArray(stories.title, [starship.title, `UPDATE 2-${starship.title}`]));
    // Stories whose search text (their lead's) has a word only the wire copy's dateline carries.
    const searchHits = async () =>
      (
        await queryRows<{ title: string }>(
          database.db,
          sql`select s.title from stories s join story_search x on x.story_id = s.id
          where x.search @@ plainto_tsquery('english', 'brussels')`,
        )
      ).map((r) => r.title);
    const [before] = await starshipStory();
    expect(before).toMatchObject({ count: 1, link: 'https://outlet.example/4' });
    expect(await searchHits()).not.toContain(before!.title);
    // Earlier than the stored lead (09:00): the story now leads with it.
    await storeNormalized(
      database.db,
      { id: 'b', tags: [] },
      [item('early', wireCopy(starship), '2026-11-06T07:00:00Z')],
      topics,
    );
    const [early] = await starshipStory();
    expect(early).toMatchObject({
      count: 2,
      link: 'https://outlet.example/early',
      publishedAt: new Date('2026-11-06T07:00:00Z'),
    });
    expect(early!.lead).not.toBe(before!.lead);
    // The search text followed the new lead.
    expect(await searchHits()).toContain(early!.title);
    // Later: counted, the latest date moves, the lead stays.
    await storeNormalized(
      database.db,
      { id: 'b', tags: [] },
      [item('late', trimmedCopy(starship), '2026-11-06T12:00:00Z')],
      topics,
    );
    const stored = await starshipStory();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toEqual({ ...early, count: 3, updatedAt: new Date('2026-11-06T12:00:00Z') });
  });

  it('forgets the band keys of deleted articles, however they were deleted', async () => {
    const bands = async (where = sql`true`) =>
      (
        await queryRows<{ n: number }>(
          database.db,
          sql`select count(*)::int as n from article_bands where article_id in (select id from articles where ${where})`,
        )
      )[0]!.n;
    const total = async () =>
      (await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from article_bands`))[0]!.n;
    const ofB = await bands(sql`source_id = 'b'`);
    const ofFirst = await bands(sql`guid = '1'`);
    expect(ofB).toBeGreaterThan(0);
    expect(ofFirst).toBeGreaterThan(0);
    const before = await total();
    // A plain delete of one article…
    await database.db.delete(articles).where(eq(articles.guid, '1'));
    expect(await total()).toBe(before - ofFirst);
    // …and a source's cascade to all of its articles.
    await database.db.delete(sources).where(eq(sources.id, 'b'));
    expect(await total()).toBe(before - ofFirst - ofB);
    expect(await total()).toBe(await bands());
  });
});
