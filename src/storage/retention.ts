import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { bigintArray } from '../db/arrays.js';
import { queryRows } from '../db/rows.js';
import type { DbOrTx } from './tx.js';
import { recomputeStory } from './recompute.js';
import { bumpDataVersion } from './data-version.js';

export interface RetentionPolicy {
  maxAgeDays?: number;
  maxArticlesPerSource?: number;
}

export interface Pruned {
  articles: number;
  stories: number;
}

const DAY = 86_400_000;

/** Articles published before this are past `maxAgeDays`: pruned, and not stored when they arrive. */
const ageCutoff = (maxAgeDays: number, now: Date) => new Date(now.getTime() - maxAgeDays * DAY);

/** A source's articles in the order `maxArticlesPerSource` keeps them: the first so many stay. */
const NEWEST_FIRST = sql`order by published_at desc, id desc`;

/**
 * The earliest publication date a new article of this source can have and still be kept by the next retention run.
 * Older ones are not stored: otherwise every poll would add again what retention had pruned, and readers and push
 * subscribers would get a year-old post as new after each run. Undefined when retention keeps everything.
 */
export async function retentionFloor(
  tx: DbOrTx,
  sourceId: string,
  policy: RetentionPolicy,
  now: Date,
): Promise<Date | undefined> {
  let floor = policy.maxAgeDays !== undefined ? ageCutoff(policy.maxAgeDays, now) : undefined;
  if (policy.maxArticlesPerSource !== undefined) {
    // The source's keep-th newest article: anything older would be the first to go.
    const [kth] = await queryRows<{ published_at: Date | string }>(
      tx,
      sql`
      select published_at from articles where source_id = ${sourceId}
      ${NEWEST_FIRST} offset ${policy.maxArticlesPerSource - 1} limit 1`,
    );
    const date = kth ? new Date(kth.published_at) : undefined;
    if (date && (!floor || date > floor)) floor = date;
  }
  return floor;
}

/**
 * Deletes articles past the retention policy in short transactions of `batchSize`, so feeds and ingest never wait on
 * one long lock. A story that loses all its articles goes; one that loses some is recomputed (its lead, link and title
 * follow the earliest article left; its id stays).
 */
export async function pruneArticles(
  db: Db,
  policy: RetentionPolicy,
  options: { now?: Date; batchSize?: number } = {},
): Promise<Pruned> {
  const batchSize = options.batchSize ?? 1000;
  const total: Pruned = { articles: 0, stories: 0 };
  const run = async (select: (tx: DbOrTx) => Promise<number[]>) => {
    for (;;) {
      const pruned = await db.transaction(async (tx) => {
        const ids = await select(tx);
        return ids.length === 0 ? undefined : deleteArticles(tx, ids);
      });
      if (!pruned) return;
      total.articles += pruned.articles;
      total.stories += pruned.stories;
    }
  };
  if (policy.maxAgeDays !== undefined) {
    const cutoff = ageCutoff(policy.maxAgeDays, options.now ?? new Date());
    await run(async (tx) =>
      (
        await queryRows<{ id: number | string }>(
          tx,
          sql`
      select id from articles where published_at < ${cutoff.toISOString()}::timestamptz limit ${batchSize}`,
        )
      ).map((r) => Number(r.id)),
    );
  }
  if (policy.maxArticlesPerSource !== undefined) {
    const keep = policy.maxArticlesPerSource;
    const sourceIds = (
      await queryRows<{ source_id: string }>(
        db,
        sql`
      select source_id from articles group by source_id having count(*) > ${keep}`,
      )
    ).map((r) => r.source_id);
    for (const sourceId of sourceIds) {
      // Everything older than the source's keep-th newest article, walked on (source_id, published_at, id).
      await run(async (tx) =>
        (
          await queryRows<{ id: number | string }>(
            tx,
            sql`
        select id from articles
        where source_id = ${sourceId}
        ${NEWEST_FIRST}
        offset ${keep} limit ${batchSize}`,
          )
        ).map((r) => Number(r.id)),
      );
    }
  }
  return total;
}

async function deleteArticles(tx: DbOrTx, ids: number[]): Promise<Pruned> {
  const touched = await queryRows<{ story_id: number | string | null }>(
    tx,
    sql`
    delete from articles where id = any(${bigintArray(ids)}::bigint[]) returning story_id`,
  );
  const storyIds = [
    ...new Set(
      touched
        .map((r) => r.story_id)
        .filter((id) => id !== null)
        .map(Number),
    ),
  ];
  // Stores take no lock: lock the stories first (waiting for a store joining one to commit), so that the next
  // statement sees its article, and a store arriving later waits, then finds the story gone and retries.
  if (storyIds.length > 0)
    await tx.execute(
      sql`select id from stories where id = any(${bigintArray(storyIds)}::bigint[]) order by id for update`,
    );
  const emptied =
    storyIds.length === 0
      ? []
      : await queryRows<{ id: number | string }>(
          tx,
          sql`
    delete from stories s where s.id = any(${bigintArray(storyIds)}::bigint[])
      and not exists (select 1 from articles a where a.story_id = s.id)
    returning s.id`,
        );
  const gone = new Set(emptied.map((r) => Number(r.id)));
  for (const storyId of storyIds) if (!gone.has(storyId)) await recomputeStory(tx, storyId);
  if (touched.length > 0) await bumpDataVersion(tx);
  return { articles: touched.length, stories: gone.size };
}
