import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { original, outletArticle, trimmedCopy, wireCopy } from '../../test/fixtures/dedup/pairs.js';
import { GROUPS } from '../../test/fixtures/dedup/stories.js';
import { testDatabases } from '../../test/helpers/database.js';
import { storeNormalized } from '../../test/helpers/store.js';
import type { Database } from '../db/client.js';
import { sources, stories, storyEvents } from '../db/schema.js';
import { MAX_STORED_EVENTS, TIMELINE_LENGTH } from './timeline.js';
import { queryStories } from './stories.js';

const [[airDefence]] = GROUPS as unknown as [[(typeof GROUPS)[0][0]]];
const now = new Date('2026-11-20T00:00:00Z');
const item = (guid: string, copy: { title: string; html: string }, date: string) =>
  outletArticle(guid, copy, date, now);

describe.each(testDatabases())('story timeline on $name', (testDb) => {
  let database: Database;
  const store = (source: string, items: ReturnType<typeof item>[]) =>
    storeNormalized(database.db, { id: source, tags: [] }, items, []);
  const story = async () => (await queryStories(database.db, { limit: 10 }))[0]!;

  beforeAll(async () => {
    database = await testDb.open();
    await database.db.insert(sources).values([
      { id: 'a', url: 'https://a.example/', name: 'Agency' },
      { id: 'b', url: 'https://b.example/', name: 'Bulletin' },
    ]);
  });
  afterAll(async () => database?.close());

  it('has no events for a story only its first outlet carried', async () => {
    await store('a', [item('a1', original(airDefence), '2026-11-05T09:00:00Z')]);
    expect((await story()).timeline).toEqual([]);
  });

  it('records another outlet joining, once, and not a second copy from an outlet already there', async () => {
    const before = await story();
    await store('b', [item('b1', trimmedCopy(airDefence), '2026-11-05T10:00:00Z')]);
    await store('a', [item('a2', wireCopy(airDefence), '2026-11-05T11:00:00Z')]);
    const after = await story();
    expect(after.outlets.map((o) => o.sourceId)).toEqual(['a', 'b']);
    expect(after.timeline).toEqual([
      expect.objectContaining({ kind: 'outlet', sourceId: 'b', sourceName: 'Bulletin' }),
    ]);
    expect(after.uid).toBe(before.uid);
    expect(after.publishedAt).toEqual(before.publishedAt);
    expect(after.updatedAt.getTime()).toBeGreaterThanOrEqual(after.timeline[0]!.at.getTime());
  });

  it("records a headline change by the lead outlet, newest first, and ignores a non-lead outlet's edit", async () => {
    await store('b', [
      item('b1', { ...trimmedCopy(airDefence), title: 'Bulletin rewrites its own headline' }, '2026-11-05T10:00:00Z'),
    ]);
    expect((await story()).timeline).toHaveLength(1);
    const revised = `${airDefence.title}, officials confirm`;
    await store('a', [item('a1', { ...original(airDefence), title: revised }, '2026-11-05T09:00:00Z')]);
    const after = await story();
    expect(after.title).toBe(revised);
    expect(after.timeline.map((e) => e.kind)).toEqual(['title', 'outlet']);
    expect(after.timeline[0]).toMatchObject({
      sourceId: 'a',
      sourceName: 'Agency',
      oldTitle: airDefence.title,
      newTitle: revised,
    });
    // Re-sending the same edit records nothing more.
    await store('a', [item('a1', { ...original(airDefence), title: revised }, '2026-11-05T09:00:00Z')]);
    expect((await story()).timeline).toHaveLength(2);
    expect(await database.db.$count(stories)).toBe(1);
  });

  it('keeps the newest 20 events of a headline that keeps changing, and counts the rest', async () => {
    for (let i = 1; i <= 20; i++) {
      await store('a', [
        item('a1', { ...original(airDefence), title: `${airDefence.title} (take ${i})` }, '2026-11-05T09:00:00Z'),
      ]);
    }
    const { timeline, earlierEvents } = await story();
    expect(timeline).toHaveLength(20);
    expect(earlierEvents).toBe(2);
    expect(timeline[0]).toMatchObject({ kind: 'title', newTitle: `${airDefence.title} (take 20)` });
    expect(timeline.at(-1)).toMatchObject({ kind: 'title', newTitle: `${airDefence.title} (take 1)` });
  });

  it('stores at most MAX_STORED_EVENTS events of a story, the newest, however often its headline flips', async () => {
    for (let i = 21; i <= MAX_STORED_EVENTS + 30; i++) {
      await store('a', [
        item('a1', { ...original(airDefence), title: `${airDefence.title} (take ${i})` }, '2026-11-05T09:00:00Z'),
      ]);
    }
    expect(await database.db.$count(storyEvents)).toBe(MAX_STORED_EVENTS);
    const { timeline, earlierEvents } = await story();
    expect(timeline[0]).toMatchObject({
      kind: 'title',
      newTitle: `${airDefence.title} (take ${MAX_STORED_EVENTS + 30})`,
    });
    expect(earlierEvents).toBe(MAX_STORED_EVENTS - TIMELINE_LENGTH);
  });
});
