import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { bigintArray } from '../db/arrays.js';
import { queryRows } from '../db/rows.js';
import { metrics } from '../metrics/registry.js';
import { matchingStories } from '../dedup/plan.js';
import type { Founded } from './apply-plan.js';
import { recomputeStories } from './recompute.js';
import { lookupCandidates } from './candidates.js';
import { mergeTimelines } from './timeline.js';

/**
 * Story matching takes no lock, so two copies of one report stored at the same moment by different workers cannot see
 * each other and may both found a story. After its transaction commits, a store looks again for the stories it
 * founded: a verified match now visible in another story means a concurrent founder. They merge into the oldest
 * (lowest id) story, whoever notices first; a later store that noticed too finds nothing left to move. Of concurrent
 * commits the last one sees all the others, so the copies end in one story.
 * Returns how many articles moved.
 */
export async function reconcileFounders(db: Db, founded: Founded): Promise<number> {
  let moved = 0;
  // In slices, as stores do: one lookup for a 10,000-item feed's founders would hold all their hits at once.
  for (let i = 0; i < founded.length; i += SLICE) moved += await reconcileSlice(db, founded.slice(i, i + SLICE));
  return moved;
}

const SLICE = 500;

async function reconcileSlice(db: Db, founded: Founded): Promise<number> {
  // Only other stories count: the founder's own article is a candidate of itself (and is not even fetched).
  const items = founded.map(({ storyId, articleId, item }) => ({ ...item, ownStory: storyId, ownArticle: articleId }));
  const { exact, candidates } = await lookupCandidates(db, items);
  let moved = 0;
  for (const [i, item] of items.entries()) {
    const others = matchingStories(
      { canonicalUrl: item.canonicalUrl, contentHash: item.contentHash, ...item.sketch, ownStory: item.ownStory },
      exact,
      candidates[i]!,
    );
    if (others.length === 0) continue;
    // All into the oldest; rows are always locked in id order, so concurrent merges cannot deadlock.
    const [into, ...rest] = [item.ownStory, ...others].sort((a, b) => a - b) as [number, ...number[]];
    for (const from of rest) moved += await mergeStories(db, into, from);
  }
  return moved;
}

/** Moves every article (and topic) of story `from` into `into` and deletes `from`. Returns how many articles moved. */
export async function mergeStories(db: Db, into: number, from: number): Promise<number> {
  return db.transaction(async (tx) => {
    // Both rows locked in id order (a concurrent merge of the same pair waits here, then finds `from` gone).
    const started = performance.now();
    const locked = await queryRows<{ id: number | string }>(
      tx,
      sql`
      select id from stories where id = any(${bigintArray([into, from])}::bigint[]) order by id for update`,
    );
    metrics.storeLockWait.observe((performance.now() - started) / 1000);
    if (locked.length < 2) return 0;
    await mergeTimelines(tx, into, from);
    const moved = await queryRows<{ id: number | string }>(
      tx,
      sql`
      update articles set story_id = ${into} where story_id = ${from} returning id`,
    );
    await tx.execute(sql`insert into story_topics (topic_id, story_id, published_at)
      select topic_id, ${into}, published_at from story_topics where story_id = ${from} on conflict do nothing`);
    await tx.execute(sql`delete from stories where id = ${from}`);
    await recomputeStories(tx, [into]);
    return moved.length;
  });
}
