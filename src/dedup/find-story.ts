import { eq, inArray, isNotNull, and, or, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { queryRows } from '../db/rows.js';
import { articleBands, articles } from '../db/schema.js';
import type { NormalizedArticle } from '../processor/normalize.js';
import { bandKeys, minhash } from './minhash.js';
import { fingerprint, sameStory, type Fingerprint } from './same-story.js';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbOrTx = Db | Tx;

/** Texts shorter than this many shingles get no band keys: too little to recognise a copy by. */
const MIN_SHINGLES_FOR_BANDS = 8;
/** Candidates verified per article, best band agreement first. */
const MAX_CANDIDATES = 25;

export interface DedupKeys {
  fingerprint: Fingerprint;
  bands: bigint[];
}

export function dedupKeys(article: Pick<NormalizedArticle, 'title' | 'text'>): DedupKeys {
  const print = fingerprint(article);
  return { fingerprint: print, bands: print.body.size >= MIN_SHINGLES_FOR_BANDS ? bandKeys(minhash(print.body)) : [] };
}

const bigintArray = (keys: bigint[]) => `{${keys.join(',')}}`;

/**
 * The story an incoming article belongs to, if one is stored. Exact layer: the same canonical URL or the same
 * normalized content. Near-duplicate layer: articles sharing a MinHash band (an index lookup), each verified by
 * shingle containment and headline agreement; the best verified match wins.
 */
export async function findStory(db: DbOrTx, article: NormalizedArticle, keys: DedupKeys): Promise<number | undefined> {
  const sameKey = article.canonicalUrl
    ? or(eq(articles.canonicalUrl, article.canonicalUrl), eq(articles.contentHash, article.contentHash))
    : eq(articles.contentHash, article.contentHash);
  const [exact] = await db.select({ storyId: articles.storyId }).from(articles)
    .where(and(sameKey, isNotNull(articles.storyId))).orderBy(articles.publishedAt).limit(1);
  if (exact?.storyId) return exact.storyId;
  if (keys.bands.length === 0) return undefined;

  const candidates = await queryRows<{ article_id: string | number }>(db, sql`
    select article_id from ${articleBands} where band = any(${bigintArray(keys.bands)}::bigint[])
    group by article_id order by count(*) desc, article_id limit ${MAX_CANDIDATES}`);
  if (candidates.length === 0) return undefined;
  const rows = await db.select({ title: articles.title, text: articles.text, storyId: articles.storyId }).from(articles)
    .where(inArray(articles.id, candidates.map((c) => Number(c.article_id))));
  let best: { storyId: number; score: number } | undefined;
  for (const row of rows) {
    if (row.storyId === null) continue;
    const score = sameStory(keys.fingerprint, fingerprint(row));
    if (score !== undefined && (!best || score > best.score)) best = { storyId: row.storyId, score };
  }
  return best?.storyId;
}

/** Replaces an article's band keys (on insert and when its text changes). */
export async function saveBands(db: DbOrTx, articleId: number, keys: DedupKeys): Promise<void> {
  await db.delete(articleBands).where(eq(articleBands.articleId, articleId));
  if (keys.bands.length === 0) return;
  await db.insert(articleBands).values([...new Set(keys.bands)].map((band) => ({ band, articleId }))).onConflictDoNothing();
}
