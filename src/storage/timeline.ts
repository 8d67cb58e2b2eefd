import { asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { bigintArray } from '../db/arrays.js';
import { sources, storyEvents } from '../db/schema.js';
import type { DbOrTx } from '../dedup/find-story.js';

/** One change to a story after its first report, newest first in a story's timeline. */
export interface StoryEvent {
  at: Date;
  kind: 'outlet' | 'title';
  sourceId: string;
  /** The outlet's display name. */
  sourceName: string;
  oldTitle: string | null;
  newTitle: string | null;
}

/**
 * Called by ingest just before new articles of `sourceId` join existing stories: an 'outlet' event for each of those
 * stories the source did not carry yet (another copy from an outlet already there is not news).
 */
export async function recordNewOutlets(tx: DbOrTx, sourceId: string, storyIds: readonly number[], at = new Date()): Promise<void> {
  const ids = [...new Set(storyIds)];
  if (ids.length === 0) return;
  await tx.execute(sql`insert into story_events (story_id, at, kind, source_id)
    select s.id, ${at.toISOString()}::timestamptz, 'outlet', ${sourceId}
    from unnest(${bigintArray(ids)}::bigint[]) as s(id)
    where not exists (select 1 from articles a where a.story_id = s.id and a.source_id = ${sourceId})`);
}

/**
 * Called by ingest just before an article is updated: a 'title' event when it is its story's lead article and the
 * headline changes. Compared with the stored story title, so an unchanged title or a non-lead outlet's edit records nothing.
 */
export async function recordTitleChange(tx: DbOrTx, sourceId: string, articleId: number, title: string, at = new Date()): Promise<void> {
  await tx.execute(sql`insert into story_events (story_id, at, kind, source_id, old_title, new_title)
    select s.id, ${at.toISOString()}::timestamptz, 'title', ${sourceId}, s.title, ${title}
    from articles a join stories s on s.id = a.story_id and s.lead_article_id = a.id
    where a.id = ${articleId} and s.title is distinct from ${title}`);
}

/** The events of these stories, newest first, by story. */
export async function loadStoryEvents(db: DbOrTx, storyIds: readonly number[]): Promise<Map<number, StoryEvent[]>> {
  const byStory = new Map<number, StoryEvent[]>();
  if (storyIds.length === 0) return byStory;
  const rows = await db
    .select({
      storyId: storyEvents.storyId, at: storyEvents.at, kind: storyEvents.kind, sourceId: storyEvents.sourceId,
      sourceName: sql<string>`coalesce(${sources.name}, ${sources.feedTitle}, ${storyEvents.sourceId})`,
      oldTitle: storyEvents.oldTitle, newTitle: storyEvents.newTitle,
    })
    .from(storyEvents).leftJoin(sources, eq(sources.id, storyEvents.sourceId))
    .where(inArray(storyEvents.storyId, [...storyIds]))
    .orderBy(asc(storyEvents.storyId), desc(storyEvents.at), desc(storyEvents.id));
  for (const { storyId, ...event } of rows) {
    const list = byStory.get(storyId) ?? [];
    list.push(event);
    byStory.set(storyId, list);
  }
  return byStory;
}
