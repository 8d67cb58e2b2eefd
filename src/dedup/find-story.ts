import { inArray, isNotNull, and, or, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { bigintArray, textArray } from '../db/arrays.js';
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
  return { fingerprint: print, bands: print.body.size >= MIN_SHINGLES_FOR_BANDS ? [...new Set(bandKeys(minhash(print.body)))] : [] };
}

export type Incoming = Pick<NormalizedArticle, 'canonicalUrl' | 'contentHash'> & { keys: DedupKeys };

/** Where an incoming article goes: a stored story, or the story of an earlier article in the same batch. */
export type Placement = { storyId: number } | { sameAs: number } | undefined;

/**
 * Finds, for a batch of incoming articles, the story each belongs to. Exact layer: the same canonical URL or the same
 * normalized content. Near-duplicate layer: articles sharing a MinHash band (one index lookup for the whole batch),
 * each candidate verified by shingle containment and headline agreement; the best verified match wins. Articles of
 * the batch are matched against each other too, so two copies arriving together still make one story.
 */
export async function placeArticles(db: DbOrTx, batch: Incoming[]): Promise<Placement[]> {
  if (batch.length === 0) return [];
  const urls = [...new Set(batch.map((a) => a.canonicalUrl).filter((u): u is string => Boolean(u)))];
  const hashes = [...new Set(batch.map((a) => a.contentHash))];
  const exactQuery = db.select({ canonicalUrl: articles.canonicalUrl, contentHash: articles.contentHash, storyId: articles.storyId })
    .from(articles)
    .where(and(isNotNull(articles.storyId), urls.length > 0
      ? or(sql`${articles.canonicalUrl} = any(${textArray(urls)}::text[])`, sql`${articles.contentHash} = any(${textArray(hashes)}::text[])`)
      : sql`${articles.contentHash} = any(${textArray(hashes)}::text[])`))
    .orderBy(articles.publishedAt);
  // Both lookups at once (pipelined on one connection): they run under the story-matching lock.
  const [exactRows, candidatesOf] = await Promise.all([exactQuery, bandCandidates(db, batch)]);
  const byUrl = new Map<string, number>();
  const byHash = new Map<string, number>();
  for (const row of exactRows) {
    if (row.canonicalUrl && !byUrl.has(row.canonicalUrl)) byUrl.set(row.canonicalUrl, row.storyId!);
    if (!byHash.has(row.contentHash)) byHash.set(row.contentHash, row.storyId!);
  }

  const earlier = new BatchIndex();
  const placements: Placement[] = [];
  for (const [i, item] of batch.entries()) {
    const exact = (item.canonicalUrl && byUrl.get(item.canonicalUrl)) || byHash.get(item.contentHash);
    let best: { placement: Placement; score: number } | undefined = exact ? { placement: { storyId: exact }, score: 1 } : undefined;
    for (const candidate of best ? [] : candidatesOf[i]!) {
      const score = sameStory(item.keys.fingerprint, candidate.print);
      if (score !== undefined && (!best || score > best.score)) best = { placement: { storyId: candidate.storyId }, score };
    }
    // Earlier articles of this batch, oldest first: same keys, or a verified near-duplicate sharing a band.
    if (!best) {
      const j = earlier.sameKey(item) ?? earlier.sharingBand(item).find((k) => sameStory(item.keys.fingerprint, batch[k]!.keys.fingerprint) !== undefined);
      if (j !== undefined) best = { placement: resolveSameAs(placements, j), score: 1 };
    }
    earlier.add(i, item);
    placements.push(best?.placement);
  }
  return placements;
}

/** The batch's earlier articles by URL, content hash and band, so matching within a batch stays linear. */
class BatchIndex {
  private readonly byUrl = new Map<string, number>();
  private readonly byHash = new Map<string, number>();
  private readonly byBand = new Map<bigint, number[]>();

  add(index: number, item: Incoming): void {
    if (item.canonicalUrl && !this.byUrl.has(item.canonicalUrl)) this.byUrl.set(item.canonicalUrl, index);
    if (!this.byHash.has(item.contentHash)) this.byHash.set(item.contentHash, index);
    for (const band of item.keys.bands) {
      const list = this.byBand.get(band);
      if (list) list.push(index);
      else this.byBand.set(band, [index]);
    }
  }

  sameKey(item: Incoming): number | undefined {
    const byUrl = item.canonicalUrl ? this.byUrl.get(item.canonicalUrl) : undefined;
    const byHash = this.byHash.get(item.contentHash);
    if (byUrl === undefined) return byHash;
    return byHash === undefined ? byUrl : Math.min(byUrl, byHash);
  }

  sharingBand(item: Incoming): number[] {
    const found = new Set<number>();
    for (const band of item.keys.bands) for (const index of this.byBand.get(band) ?? []) found.add(index);
    return [...found].sort((a, b) => a - b);
  }
}

/** A batch article that itself joined another article's story points at that story. */
function resolveSameAs(placements: Placement[], index: number): Placement {
  return placements[index] ?? { sameAs: index };
}

async function bandCandidates(db: DbOrTx, batch: Incoming[]): Promise<{ storyId: number; print: Fingerprint }[][]> {
  const allBands = [...new Set(batch.flatMap((a) => a.keys.bands))];
  if (allBands.length === 0) return batch.map(() => []);
  const hits = await queryRows<{ band: string | bigint; article_id: string | number }>(db, sql`
    select band, article_id from ${articleBands} where band = any(${bigintArray(allBands)}::bigint[])`);
  const articlesByBand = new Map<string, number[]>();
  for (const hit of hits) {
    const key = String(hit.band);
    const list = articlesByBand.get(key) ?? [];
    list.push(Number(hit.article_id));
    articlesByBand.set(key, list);
  }
  const wanted = batch.map((item) => {
    const counts = new Map<number, number>();
    for (const band of item.keys.bands) for (const id of articlesByBand.get(String(band)) ?? []) counts.set(id, (counts.get(id) ?? 0) + 1);
    return [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, MAX_CANDIDATES).map(([id]) => id);
  });
  const ids = [...new Set(wanted.flat())];
  if (ids.length === 0) return batch.map(() => []);
  const rows = await db.select({ id: articles.id, title: articles.title, text: articles.text, storyId: articles.storyId })
    .from(articles).where(and(inArray(articles.id, ids), isNotNull(articles.storyId)));
  const prints = new Map(rows.map((r) => [r.id, { storyId: r.storyId!, print: fingerprint(r) }]));
  return wanted.map((list) => list.map((id) => prints.get(id)).filter((c): c is { storyId: number; print: Fingerprint } => Boolean(c)));
}

/** The stored story one article belongs to (the batch lookup for a batch of one). */
export async function findStory(db: DbOrTx, article: NormalizedArticle, keys: DedupKeys): Promise<number | undefined> {
  const [placement] = await placeArticles(db, [{ canonicalUrl: article.canonicalUrl, contentHash: article.contentHash, keys }]);
  return placement && 'storyId' in placement ? placement.storyId : undefined;
}

/** Replaces the band keys of some articles (on insert, `fresh`: nothing to replace, and when their text changes). */
export async function saveBands(db: DbOrTx, entries: { articleId: number; keys: DedupKeys }[], options: { fresh?: boolean } = {}): Promise<void> {
  if (entries.length === 0) return;
  if (!options.fresh) await db.delete(articleBands).where(inArray(articleBands.articleId, entries.map((e) => e.articleId)));
  const bands = entries.flatMap((e) => e.keys.bands);
  const ids = entries.flatMap((e) => e.keys.bands.map(() => e.articleId));
  // Two array parameters instead of a VALUES list: ~20 rows an article add up, and building them value by value
  // through the query builder cost more than the insert itself.
  for (let i = 0; i < bands.length; i += 20_000) {
    await db.execute(sql`insert into ${articleBands} (band, article_id)
      select * from unnest(${bigintArray(bands.slice(i, i + 20_000))}::bigint[], ${bigintArray(ids.slice(i, i + 20_000))}::bigint[])
      on conflict do nothing`);
  }
}

