import { sql } from 'drizzle-orm';
import { bigintArray, textArray } from '../db/arrays.js';
import { queryRows } from '../db/rows.js';
import { MAX_VERIFIED, type Candidate, type ExactMatches } from '../dedup/plan.js';
import { withBody, fingerprint } from '../dedup/same-story.js';
import { decodeShingles } from '../dedup/shingles.js';
import type { SketchedArticle } from '../dedup/sketch.js';
import type { DbOrTx } from './tx.js';

/** Copies of one report appear within days of each other: stored articles further away are not candidates. */
export const CANDIDATE_WINDOW_MS = 7 * 86_400_000;

export interface Lookup {
  exact: ExactMatches;
  /** Per incoming article, its best few stored candidates (most shared bands first), with their stored sketches. */
  candidates: Candidate[][];
}

type Incoming = Pick<SketchedArticle, 'canonicalUrl' | 'contentHash' | 'publishedAt' | 'sketch'> & {
  /** A story that must not be a candidate (a founder looking again: storage/reconcile.ts). */
  ownStory?: number;
  /** That founder's own article, left out of the band probe: it shares every key with itself. */
  ownArticle?: number;
};

/**
 * What matching needs from storage for one batch, in three statements whatever its size: stories of stored articles
 * with the same canonical URL or content; stored articles sharing a band key inside the time window; the sketches of
 * the best few per article.
 */
export async function lookupCandidates(db: DbOrTx, batch: readonly Incoming[]): Promise<Lookup> {
  if (batch.length === 0) return { exact: { byUrl: new Map(), byHash: new Map() }, candidates: [] };
  const [exact, hits] = await Promise.all([exactMatches(db, batch), bandHits(db, batch)]);
  const wanted = batch.map((item, i) => {
    const counts = new Map<number, { storyId: number; shared: number }>();
    const time = item.publishedAt.getTime();
    for (const hit of hits[i]!) {
      if (hit.storyId === item.ownStory || Math.abs(hit.publishedAt - time) > CANDIDATE_WINDOW_MS) continue;
      const count = counts.get(hit.articleId);
      if (count) count.shared++;
      else counts.set(hit.articleId, { storyId: hit.storyId, shared: 1 });
    }
    // The best article of each of the best few stories: the few verified must be different stories, or a story
    // with many copies in the window would hide another one (two stories founded at once would never merge).
    const stories = new Set<number>();
    const best: [articleId: number, shared: number][] = [];
    for (const [id, { storyId, shared }] of [...counts].sort((a, b) => b[1].shared - a[1].shared || a[0] - b[0])) {
      if (stories.has(storyId)) continue;
      stories.add(storyId);
      best.push([id, shared]);
      if (best.length === MAX_VERIFIED) break;
    }
    return best;
  });
  const ids = [...new Set(wanted.flatMap((list) => list.map(([id]) => id)))];
  if (ids.length === 0) return { exact, candidates: batch.map(() => []) };
  // Articles stored before sketches existed have none: their text is read and shingled once more.
  const rows = await queryRows<{
    id: number | string;
    story_id: number | string;
    title: string;
    sketch: Uint8Array | null;
    text: string | null;
  }>(
    db,
    sql`
    select id, story_id, title, sketch, case when sketch is null then text end as text
    from articles where id = any(${bigintArray(ids)}::bigint[]) and story_id is not null`,
  );
  const stored = new Map(
    rows.map((r) => [
      Number(r.id),
      {
        storyId: Number(r.story_id),
        print: r.sketch
          ? withBody(r.title, decodeShingles(r.sketch))
          : fingerprint({ title: r.title, text: r.text ?? '' }),
      },
    ]),
  );
  return {
    exact,
    candidates: wanted.map((list) =>
      list.flatMap(([id, sharedBands]) => {
        const found = stored.get(id);
        return found ? [{ ...found, sharedBands }] : [];
      }),
    ),
  };
}

async function exactMatches(db: DbOrTx, batch: readonly Incoming[]): Promise<ExactMatches> {
  const urls = [...new Set(batch.map((a) => a.canonicalUrl).filter((u): u is string => Boolean(u)))];
  const hashes = [...new Set(batch.map((a) => a.contentHash))];
  const rows = await queryRows<{ canonical_url: string | null; content_hash: string; story_id: number | string }>(
    db,
    sql`
    select canonical_url, content_hash, story_id from articles
    where story_id is not null and (canonical_url = any(${textArray(urls)}::text[]) or content_hash = any(${textArray(hashes)}::text[]))
    order by published_at, id`,
  );
  const byUrl = new Map<string, number[]>();
  const byHash = new Map<string, number[]>();
  const add = (map: Map<string, number[]>, key: string, storyId: number) => {
    const list = map.get(key);
    if (!list) map.set(key, [storyId]);
    else if (!list.includes(storyId)) list.push(storyId);
  };
  for (const row of rows) {
    if (row.canonical_url) add(byUrl, row.canonical_url, Number(row.story_id));
    add(byHash, row.content_hash, Number(row.story_id));
  }
  return { byUrl, byHash };
}

/** Per incoming article, the stored articles sharing one of its band keys (once per shared key) and their dates. */
type Hit = { articleId: number; storyId: number; publishedAt: number };

/**
 * One index probe per band key, then each hit's article by primary key: `offset 0` keeps each a lookup the planner
 * cannot turn into a join. Without column statistics (a first pass, or a server whose autovacuum is off) it guesses
 * thousands of rows per band key and hash-joins over whole tables instead: 0.4–1.9 s a batch instead of ~30 ms.
 */
async function bandHits(db: DbOrTx, batch: readonly Incoming[]): Promise<Hit[][]> {
  // Each key once, with the one article to leave out: the own article of the only item carrying the key (0 when
  // several do, or none is a founder: their own stories are still left out by lookupCandidates).
  const skip = new Map<bigint, number>();
  for (const item of batch)
    for (const band of item.sketch.bands) skip.set(band, skip.has(band) ? 0 : (item.ownArticle ?? 0));
  const bands = [...skip.keys()];
  if (bands.length === 0) return batch.map(() => []);
  const times = batch.map((a) => a.publishedAt.getTime());
  const from = new Date(Math.min(...times) - CANDIDATE_WINDOW_MS).toISOString();
  const to = new Date(Math.max(...times) + CANDIDATE_WINDOW_MS).toISOString();
  const rows = await queryRows<{
    band: string | bigint;
    article_id: string | number;
    story_id: string | number;
    published_at: Date | string;
  }>(
    db,
    sql`
    select k.band, b.article_id, a.story_id, a.published_at
    from unnest(${bigintArray(bands)}::bigint[], ${bigintArray([...skip.values()])}::bigint[]) as k(band, skip)
    cross join lateral (select article_id from article_bands where band = k.band and article_id <> k.skip offset 0) b
    cross join lateral (select story_id, published_at from articles where id = b.article_id offset 0) a
    where a.story_id is not null and a.published_at between ${from}::timestamptz and ${to}::timestamptz`,
  );
  const byBand = new Map<string, Hit[]>();
  for (const row of rows) {
    const key = String(row.band);
    const list = byBand.get(key) ?? [];
    list.push({
      articleId: Number(row.article_id),
      storyId: Number(row.story_id),
      publishedAt: new Date(row.published_at).getTime(),
    });
    byBand.set(key, list);
  }
  return batch.map((item) => item.sketch.bands.flatMap((band) => byBand.get(String(band)) ?? []));
}
