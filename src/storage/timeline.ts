import { sql } from 'drizzle-orm';
import { bigintArray } from '../db/arrays.js';
import { queryRows } from '../db/rows.js';
import type { DbOrTx } from './tx.js';

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
export async function recordNewOutlets(
  tx: DbOrTx,
  sourceId: string,
  storyIds: readonly number[],
  at = new Date(),
): Promise<void> {
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
export async function recordTitleChange(
  tx: DbOrTx,
  sourceId: string,
  articleId: number,
  title: string,
  at = new Date(),
): Promise<void> {
  await tx.execute(sql`insert into story_events (story_id, at, kind, source_id, old_title, new_title)
    select s.id, ${at.toISOString()}::timestamptz, 'title', ${sourceId}, s.title, ${title}
    from articles a join stories s on s.id = a.story_id and s.lead_article_id = a.id
    where a.id = ${articleId} and s.title is distinct from ${title}`);
}

/**
 * Called just before story `from` is merged into `into` (copies two workers stored at the same moment): `from`'s events
 * move along, and each of its outlets that `into` did not carry yet becomes an 'outlet' event of `into`.
 */
export async function mergeTimelines(tx: DbOrTx, into: number, from: number, at = new Date()): Promise<void> {
  await tx.execute(sql`insert into story_events (story_id, at, kind, source_id)
    select distinct ${into}::bigint, ${at.toISOString()}::timestamptz, 'outlet', a.source_id from articles a
    where a.story_id = ${from} and not exists (select 1 from articles b where b.story_id = ${into} and b.source_id = a.source_id)`);
  await tx.execute(sql`update story_events set story_id = ${into} where story_id = ${from}`);
}

/** Events shown per story: a source that keeps rewriting its headline must not grow its entry without bound. */
export const TIMELINE_LENGTH = 20;

export interface StoryTimeline {
  /** The newest TIMELINE_LENGTH events, newest first. */
  events: StoryEvent[];
  /** How many older ones are left out. */
  earlier: number;
}

/** The timelines of these stories, by story. */
export async function loadStoryEvents(db: DbOrTx, storyIds: readonly number[]): Promise<Map<number, StoryTimeline>> {
  const byStory = new Map<number, StoryTimeline>();
  if (storyIds.length === 0) return byStory;
  const rows = await queryRows<{
    story_id: number | string;
    at: Date | string;
    kind: StoryEvent['kind'];
    source_id: string;
    source_name: string;
    old_title: string | null;
    new_title: string | null;
    total: number | string;
  }>(
    db,
    sql`
    select e.story_id, e.at, e.kind, e.source_id, coalesce(src.name, src.feed_title, e.source_id) as source_name,
      e.old_title, e.new_title, e.total
    from (select *, row_number() over w as n, count(*) over (partition by story_id) as total
          from story_events where story_id = any(${bigintArray(storyIds)}::bigint[])
          window w as (partition by story_id order by at desc, id desc)) e
    left join sources src on src.id = e.source_id
    where e.n <= ${TIMELINE_LENGTH}
    order by e.story_id, e.n`,
  );
  for (const row of rows) {
    const storyId = Number(row.story_id);
    const timeline = byStory.get(storyId) ?? {
      events: [],
      earlier: Number(row.total) - Math.min(Number(row.total), TIMELINE_LENGTH),
    };
    timeline.events.push({
      at: new Date(row.at),
      kind: row.kind,
      sourceId: row.source_id,
      sourceName: row.source_name,
      oldTitle: row.old_title,
      newTitle: row.new_title,
    });
    byStory.set(storyId, timeline);
  }
  return byStory;
}
