import { inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { queryRows } from '../db/rows.js';
import { stories } from '../db/schema.js';
import { storyViews, type StoryView } from './stories.js';

export interface TopQuery {
  /** A topic id, or undefined for every story. */
  topic?: string;
  /** Only articles published within this many ms before `now` count. */
  windowMs: number;
  /** Stories carried by fewer distinct outlets within the window are left out. */
  minOutlets: number;
  limit: number;
  now: Date;
}

export interface RankedStory {
  storyId: number;
  /** The distinct outlets (source ids) that carried it within the window, sorted. */
  sourceIds: string[];
  /** Its newest article within the window: breaks ties in outlet count. */
  latest: Date;
}

/**
 * Stories ranked by how many distinct outlets carried them within the window, ties by the newest report. Reads only
 * the articles published in the window, on articles_published_idx (future dates are clamped at ingest, so the window
 * needs no upper bound): its cost follows the window's size, not the table's.
 */
export async function rankTopStories(db: Db, query: TopQuery): Promise<RankedStory[]> {
  const since = new Date(query.now.getTime() - query.windowMs);
  const topic = query.topic === undefined ? sql`` : sql`and exists (select 1 from story_topics t where t.topic_id = ${query.topic} and t.story_id = r.story_id)`;
  const rows = await queryRows<{ story_id: number | string; source_ids: string[] | string; latest: Date | string }>(db, sql`
    with carried as (
      select a.story_id, a.source_id, max(a.published_at) as latest
      from articles a
      where a.published_at > ${since.toISOString()}::timestamptz and a.story_id is not null
      group by a.story_id, a.source_id
    ), ranked as (
      select story_id, count(*) as outlets, array_agg(source_id order by source_id) as source_ids, max(latest) as latest
      from carried group by story_id having count(*) >= ${query.minOutlets}
    )
    select r.story_id, r.source_ids, r.latest from ranked r
    where true ${topic}
    order by r.outlets desc, r.latest desc, r.story_id desc
    limit ${query.limit}`);
  return rows.map((row) => ({
    storyId: Number(row.story_id),
    sourceIds: typeof row.source_ids === 'string' ? parseTextArray(row.source_ids) : row.source_ids,
    latest: new Date(row.latest),
  }));
}

// Drivers differ in whether they parse a text[] result; source ids are slugs ([a-z0-9-]), so no quoting to undo.
const parseTextArray = (literal: string) => literal.replace(/^\{|\}$/g, '').split(',').filter(Boolean);

/** The ranked stories as readers see them, in rank order, with the outlets counted for each. */
export async function queryTopStories(db: Db, query: TopQuery): Promise<{ stories: StoryView[]; coverage: Map<number, string[]> }> {
  const ranked = await rankTopStories(db, query);
  const coverage = new Map(ranked.map((r) => [r.storyId, r.sourceIds]));
  if (ranked.length === 0) return { stories: [], coverage };
  const rows = await db.select().from(stories).where(inArray(stories.id, ranked.map((r) => r.storyId)));
  const byId = new Map(rows.map((row) => [row.id, row]));
  // A story pruned between the two reads is simply left out.
  const ordered = ranked.flatMap((r) => byId.get(r.storyId) ?? []);
  return { stories: await storyViews(db, ordered), coverage };
}
