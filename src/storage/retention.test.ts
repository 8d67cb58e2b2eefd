import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { original, outletArticle, wireCopy } from '../../test/fixtures/dedup/pairs.js';
import { GROUPS } from '../../test/fixtures/dedup/stories.js';
import { testDatabases } from '../../test/helpers/database.js';
import { storeNormalized } from '../../test/helpers/store.js';
import type { Database } from '../db/client.js';
import { articles, sources, stories, storyTopics, topics as topicTable } from '../db/schema.js';
import { compileTopic } from '../topics/match.js';
import { pruneArticles } from './retention.js';

const now = new Date('2026-11-20T00:00:00Z');
const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000).toISOString();
const [[airDefence], [starship], [reactor]] = GROUPS as unknown as [
  [(typeof GROUPS)[0][0]],
  [(typeof GROUPS)[0][0]],
  [(typeof GROUPS)[0][0]],
];
const item = (guid: string, copy: { title: string; html: string }, published: string) =>
  outletArticle(guid, copy, published, now);
const plain = (i: number) => ({
  title: `Bulletin ${i} on convoy schedules`,
  html: `<p>Bulletin ${i}: the convoy ${i * 37} moved ${i} kilometres north of the depot today.</p>`,
});
const topics = [compileTopic({ id: 'space', include: ['Starship', 'rocket*'], exclude: [] })];

describe.each(testDatabases())('retention on $name', (testDb) => {
  let database: Database;
  const store = (source: string, items: ReturnType<typeof item>[]) =>
    storeNormalized(database.db, { id: source, tags: [] }, items, topics);
  const guids = async () =>
    (await database.db.select({ guid: articles.guid }).from(articles).orderBy(articles.guid)).map((r) => r.guid);

  beforeEach(async () => {
    database = await testDb.open();
    await database.db.insert(sources).values([
      { id: 'a', url: 'https://a.example/' },
      { id: 'b', url: 'https://b.example/' },
    ]);
    await database.db.insert(topicTable).values({ id: 'space', title: 'Space', definitionHash: 'x' });
  });
  afterEach(async () => database?.close());

  it('deletes what is older than maxAgeDays, with stories left empty and their topic links', async () => {
    await store('a', [item('old-space', original(starship), daysAgo(100)), item('new', original(reactor), daysAgo(5))]);
    expect(await database.db.$count(storyTopics)).toBe(1);
    const pruned = await pruneArticles(database.db, { maxAgeDays: 90 }, { now });
    expect(pruned).toEqual({ articles: 1, stories: 1 });
    expect(await guids()).toEqual(['new']);
    expect((await database.db.select({ title: stories.title }).from(stories)).map((s) => s.title)).toEqual([
      reactor.title,
    ]);
    expect(await database.db.$count(storyTopics)).toBe(0);
  });

  it('a story that loses its earliest outlet keeps its id and follows the earliest article left', async () => {
    await store('a', [item('wire-first', original(airDefence), daysAgo(92))]);
    await store('b', [item('copy-later', wireCopy(airDefence), daysAgo(88))]);
    const [before] = await database.db.select().from(stories);
    expect(before).toMatchObject({ articleCount: 2, link: 'https://outlet.example/wire-first' });
    expect(await pruneArticles(database.db, { maxAgeDays: 90 }, { now })).toEqual({ articles: 1, stories: 0 });
    const [after] = await database.db.select().from(stories);
    expect(after).toMatchObject({
      uid: before!.uid,
      articleCount: 1,
      link: 'https://outlet.example/copy-later',
      title: wireCopy(airDefence).title,
    });
    expect(after!.publishedAt).toEqual(new Date(daysAgo(88)));
    const [lead] = await database.db
      .select({ guid: articles.guid })
      .from(articles)
      .where(eq(articles.id, after!.leadArticleId!));
    expect(lead!.guid).toBe('copy-later');
  });

  it('keeps exactly the newest maxArticlesPerSource of each source, in batches smaller than the work', async () => {
    await store(
      'a',
      Array.from({ length: 12 }, (_, i) => item(`a${String(i).padStart(2, '0')}`, plain(i), daysAgo(30 - i))),
    );
    await store(
      'b',
      Array.from({ length: 3 }, (_, i) => item(`b${i}`, plain(100 + i), daysAgo(20 - i))),
    );
    const pruned = await pruneArticles(database.db, { maxArticlesPerSource: 4 }, { now, batchSize: 3 });
    expect(pruned).toEqual({ articles: 8, stories: 8 });
    expect(await guids()).toEqual(['a08', 'a09', 'a10', 'a11', 'b0', 'b1', 'b2']);
    expect(await database.db.$count(stories)).toBe(7);
  });

  it('deletes nothing without a policy, or when nothing is past it', async () => {
    await store('a', [item('x', original(reactor), daysAgo(400))]);
    expect(await pruneArticles(database.db, {}, { now })).toEqual({ articles: 0, stories: 0 });
    expect(await pruneArticles(database.db, { maxAgeDays: 500, maxArticlesPerSource: 5 }, { now })).toEqual({
      articles: 0,
      stories: 0,
    });
    expect(await guids()).toEqual(['x']);
  });

  it('does not store again, poll after poll, the items retention pruned (age)', async () => {
    const feed = [item('old', original(starship), daysAgo(100)), item('recent', original(reactor), daysAgo(5))];
    const policy = { maxAgeDays: 90 };
    const first = await storeNormalized(database.db, { id: 'a', tags: [] }, feed, topics, { retention: policy, now });
    expect(first).toMatchObject({ added: 1, expired: 1 });
    expect(await pruneArticles(database.db, policy, { now })).toEqual({ articles: 0, stories: 0 });
    const again = await storeNormalized(database.db, { id: 'a', tags: [] }, feed, topics, { retention: policy, now });
    expect(again).toMatchObject({ added: 0, unchanged: 1, expired: 1 });
    expect(await guids()).toEqual(['recent']);
    // Without a policy everything is stored, as before.
    expect(await store('b', [item('old-b', original(starship), daysAgo(100))])).toMatchObject({ added: 1, expired: 0 });
  });

  it('does not store again the items retention pruned (count), and still takes newer ones', async () => {
    const policy = { maxArticlesPerSource: 3 };
    const feed = Array.from({ length: 5 }, (_, i) => item(`a${i}`, plain(i), daysAgo(10 - i)));
    const opts = { retention: policy, now };
    // An empty source takes the whole feed; the next retention run cuts it to the newest three.
    expect(await storeNormalized(database.db, { id: 'a', tags: [] }, feed, topics, opts)).toMatchObject({ added: 5 });
    expect(await pruneArticles(database.db, policy, { now })).toMatchObject({ articles: 2 });
    // The same feed again: the two pruned ones are older than everything kept, so they stay out.
    const again = await storeNormalized(database.db, { id: 'a', tags: [] }, feed, topics, opts);
    expect(again).toMatchObject({ added: 0, unchanged: 3, expired: 2 });
    // A newer item still comes in (and the next run prunes the oldest kept one).
    const newer = await storeNormalized(
      database.db,
      { id: 'a', tags: [] },
      [...feed, item('a5', plain(5), daysAgo(1))],
      topics,
      opts,
    );
    expect(newer).toMatchObject({ added: 1, unchanged: 3, expired: 2 });
    expect(await pruneArticles(database.db, policy, { now })).toMatchObject({ articles: 1 });
    expect(await guids()).toEqual(['a3', 'a4', 'a5']);
  });
});
