import { inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { queryRows } from '../db/rows.js';
import { bigintArray } from '../db/arrays.js';
import { stories } from '../db/schema.js';
import { keepBest, rankingSettled, type RankedStory } from './coverage-rank.js';
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

const BATCH = 200;

/**
 * Stories ranked by how many distinct outlets carried them within the window (articles published there), ties by the
 * newest report. Not a scan of the window's articles: candidates are read from stories_coverage_idx, most articles and
 * latest update first, a batch at a time, and only their articles are counted (on articles_story_idx); reading stops
 * once no later candidate can enter the list (see rankingSettled). Future dates are clamped at ingest, so the window
 * needs no upper bound.
 */
export async function rankTopStories(db: Db, query: TopQuery): Promise<RankedStory[]> {
  const since = new Date(query.now.getTime() - query.windowMs).toISOString();
  const topic =
    query.topic === undefined
      ? sql``
      : sql`and exists (select 1 from story_topics t where t.topic_id = ${query.topic} and t.story_id = s.id)`;
  let best: RankedStory[] = [];
  // updated_at is kept as the database wrote it: a Date would drop its microseconds, and the page would skip rows.
  let after: { article_count: number; updated_at: Date; updated_key: string; id: number } | undefined;
  for (;;) {
    const page =
      after === undefined
        ? sql``
        : sql`and (s.article_count, s.updated_at, s.id) < (${after.article_count}, ${after.updated_key}::timestamptz, ${after.id})`;
    const candidates = (
      await queryRows<{ id: number | string; article_count: number; updated_key: string }>(
        db,
        sql`
      select s.id, s.article_count, s.updated_at::text as updated_key from stories s
      where s.article_count >= ${query.minOutlets} and s.updated_at > ${since}::timestamptz ${page} ${topic}
      order by s.article_count desc, s.updated_at desc, s.id desc
      limit ${BATCH}`,
      )
    ).map((row) => ({
      ...row,
      id: Number(row.id),
      article_count: Number(row.article_count),
      updated_at: new Date(row.updated_key),
    }));
    if (candidates.length === 0) break;
    const counted = await queryRows<{
      story_id: number | string;
      source_ids: string[] | string;
      latest: Date | string;
    }>(
      db,
      sql`
      select a.story_id, array_agg(distinct a.source_id order by a.source_id) as source_ids, max(a.published_at) as latest
      from articles a
      where a.story_id = any(${bigintArray(candidates.map((c) => c.id))}::bigint[]) and a.published_at > ${since}::timestamptz
      group by a.story_id
      having count(distinct a.source_id) >= ${query.minOutlets}`,
    );
    best = keepBest(
      best,
      counted.map((row) => ({
        storyId: Number(row.story_id),
        sourceIds: typeof row.source_ids === 'string' ? parseTextArray(row.source_ids) : row.source_ids,
        latest: new Date(row.latest),
      })),
      query.limit,
    );
    after = candidates.at(-1)!;
    if (
      candidates.length < BATCH ||
      rankingSettled(best, query.limit, { articleCount: after.article_count, updatedAt: after.updated_at })
    )
      break;
  }
  return best;
}

// Drivers differ in whether they parse a text[] result; source ids are slugs ([a-z0-9-]), so no quoting to undo.
const parseTextArray = (literal: string) =>
  literal
    .replace(/^\{|\}$/g, '')
    .split(',')
    .filter(Boolean);

/** The ranked stories as readers see them, in rank order, with the outlets counted for each. */
export async function queryTopStories(
  db: Db,
  query: TopQuery,
): Promise<{ stories: StoryView[]; coverage: Map<number, string[]> }> {
  const ranked = await rankTopStories(db, query);
  const coverage = new Map(ranked.map((r) => [r.storyId, r.sourceIds]));
  if (ranked.length === 0) return { stories: [], coverage };
  const rows = await db
    .select()
    .from(stories)
    .where(
      inArray(
        stories.id,
        ranked.map((r) => r.storyId),
      ),
    );
  const byId = new Map(rows.map((row) => [row.id, row]));
  // A story pruned between the two reads is simply left out.
  const ordered = ranked.flatMap((r) => byId.get(r.storyId) ?? []);
  return { stories: await storyViews(db, ordered), coverage };
}
