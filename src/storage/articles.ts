import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { bigintArray } from '../db/arrays.js';
import { articles, sources, stories, storyTopics } from '../db/schema.js';
import { dedupKeys, placeArticles, saveBands, type DbOrTx, type DedupKeys } from '../dedup/find-story.js';
import type { NormalizedArticle } from '../processor/normalize.js';
import { performance } from 'node:perf_hooks';
import { metrics } from '../metrics/registry.js';
import { bumpDataVersion } from './data-version.js';
import { sha256 } from '../processor/hash.js';
import type { TopicMatcher } from '../topics/match.js';

export interface SourceRef {
  id: string;
  tags: readonly string[];
}

export interface StoreResult {
  added: number;
  updated: number;
  unchanged: number;
  /** New articles that joined a story another source had already carried. */
  merged: number;
}

/** Ids readers see: a URN (Atom needs a URI) derived from the first article, so it survives restarts and re-imports. */
export const storyUid = (sourceId: string, guid: string) => `urn:tributary:story:${sha256(`${sourceId}\n${guid}`).slice(0, 32)}`;

/** Arbitrary constant naming the advisory lock that serializes story matching (and the pruning that removes stories). */
const STORY_MATCHING_LOCK = 7_316_904_211;

/**
 * Held to the end of the transaction. Sources are stored concurrently, each in its own transaction, and one could not
 * see another's uncommitted copy of the same report, nor a story that retention is deleting.
 */
export async function lockStoryMatching(tx: DbOrTx): Promise<void> {
  const started = performance.now();
  await tx.execute(sql`select pg_advisory_xact_lock(${STORY_MATCHING_LOCK})`);
  metrics.storeLockWait.observe((performance.now() - started) / 1000);
}

const searchVector = (title: string, text: string) =>
  sql`to_tsvector('english', ${title} || ' ' || left(${text}, 100000))`;

/**
 * Stores one source's items in a single transaction: new items are added (joining an existing story when they are the
 * same report), edited items are updated in place, unchanged items cost a read and nothing else.
 */
export async function storeArticles(
  db: Db, source: SourceRef, items: NormalizedArticle[], topics: readonly TopicMatcher[],
): Promise<StoreResult> {
  const result: StoreResult = { added: 0, updated: 0, unchanged: 0, merged: 0 };
  if (items.length === 0) return result;
  await db.transaction(async (tx) => {
    const known = new Map<string, { id: number; fingerprint: string; storyId: number | null }>();
    for (let i = 0; i < items.length; i += 1000) {
      const guids = items.slice(i, i + 1000).map((a) => a.guid);
      const rows = await tx
        .select({ id: articles.id, guid: articles.guid, fingerprint: articles.fingerprint, storyId: articles.storyId })
        .from(articles)
        .where(and(eq(articles.sourceId, source.id), inArray(articles.guid, guids)));
      for (const row of rows) known.set(row.guid, row);
    }
    const fresh: NormalizedArticle[] = [];
    for (const item of items) {
      const existing = known.get(item.guid);
      if (existing && existing.fingerprint === item.fingerprint) {
        result.unchanged++;
      } else if (existing) {
        await updateArticle(tx, existing.id, existing.storyId, item);
        if (existing.storyId !== null) await refreshStoryTopics(tx, existing.storyId, topics);
        result.updated++;
      } else {
        fresh.push(item);
      }
    }
    // CPU-bound work is done before taking the lock, which other sources' stores wait on. Only a feed of more than
    // one batch prepares its later batches under it: preparing all at once would hold every shingle set in memory.
    const batches = Array.from({ length: Math.ceil(fresh.length / 500) }, (_, b) => fresh.slice(b * 500, (b + 1) * 500));
    const prepareAll = (batch: NormalizedArticle[]) => batch.map((item) => prepare(item, source, topics));
    const first = batches.length > 0 ? prepareAll(batches[0]!) : [];
    if (fresh.length > 0) await lockStoryMatching(tx);
    for (const [b, batch] of batches.entries()) {
      result.merged += await insertArticles(tx, source, b === 0 ? first : prepareAll(batch), topics);
      result.added += batch.length;
    }
    if (result.added + result.updated > 0) await bumpDataVersion(tx);
  });
  return result;
}

const articleValues = (item: NormalizedArticle) => ({
  url: item.url, canonicalUrl: item.canonicalUrl, title: item.title, author: item.author, summaryHtml: item.summaryHtml,
  contentHtml: item.contentHtml, text: item.text, categories: item.categories, enclosures: item.enclosures,
  publishedAt: item.publishedAt, updatedAt: item.updatedAt, contentHash: item.contentHash, fingerprint: item.fingerprint,
});

/**
 * Inserts new articles in a few statements per batch: each joins the story it was placed in, or founds a new one.
 * Returns how many joined a story that was already stored or founded earlier in the batch.
 */
interface Prepared {
  item: NormalizedArticle;
  keys: DedupKeys;
  /** Topics the article matches on its own. */
  topicIds: string[];
}

const prepare = (item: NormalizedArticle, source: SourceRef, topics: readonly TopicMatcher[]): Prepared => ({
  item,
  keys: dedupKeys(item),
  topicIds: topics.filter((t) => t.matches({ title: item.title, text: item.text, sourceId: source.id, sourceTags: source.tags })).map((t) => t.id),
});

async function insertArticles(tx: DbOrTx, source: SourceRef, prepared: Prepared[], topics: readonly TopicMatcher[]): Promise<number> {
  const batch = prepared.map((p) => p.item);
  const keys = prepared.map((p) => p.keys);
  const placements = await placeArticles(tx, batch.map((item, i) => ({ canonicalUrl: item.canonicalUrl, contentHash: item.contentHash, keys: keys[i]! })));
  const founders = batch.map((_, i) => i).filter((i) => placements[i] === undefined);
  const newStories = founders.length === 0 ? [] : await tx.insert(stories).values(founders.map((i) => {
    const item = batch[i]!;
    return { uid: storyUid(source.id, item.guid), title: item.title, link: item.url, publishedAt: item.publishedAt,
      updatedAt: item.updatedAt ?? item.publishedAt, search: searchVector(item.title, item.text) };
  })).returning({ id: stories.id, uid: stories.uid });
  // RETURNING order is not promised: map rows back by their unique keys.
  const storyByUid = new Map(newStories.map((row) => [row.uid, row.id]));
  const foundedStory = new Map(founders.map((i) => [i, storyByUid.get(storyUid(source.id, batch[i]!.guid))!]));
  const storyOf = (i: number): number => {
    const placement = placements[i];
    if (placement === undefined) return foundedStory.get(i)!;
    return 'storyId' in placement ? placement.storyId : foundedStory.get(placement.sameAs)!;
  };
  const inserted = await tx.insert(articles)
    .values(batch.map((item, i) => ({ sourceId: source.id, guid: item.guid, ...articleValues(item), storyId: storyOf(i) })))
    .returning({ id: articles.id, guid: articles.guid });
  const articleByGuid = new Map(inserted.map((row) => [row.guid, row.id]));
  const articleId = (i: number) => articleByGuid.get(batch[i]!.guid)!;
  const joined = new Set(batch.map((_, i) => i).filter((i) => placements[i] !== undefined).map(storyOf));
  const solo = founders.filter((i) => !joined.has(storyOf(i)));
  const topicRows = solo.flatMap((i) =>
    prepared[i]!.topicIds.map((topicId) => ({ topicId, storyId: storyOf(i), publishedAt: batch[i]!.publishedAt })));
  // Independent statements, sent together: the lock is held for one round trip instead of three.
  await Promise.all([
    saveBands(tx, batch.map((_, i) => ({ articleId: articleId(i), keys: keys[i]! })), { fresh: true }),
    solo.length > 0 && tx.execute(sql`update ${stories} set lead_article_id = v.article_id
      from (select unnest(${bigintArray(solo.map(storyOf))}::bigint[]) as story_id,
                   unnest(${bigintArray(solo.map(articleId))}::bigint[]) as article_id) v
      where ${stories.id} = v.story_id`),
    topicRows.length > 0 && tx.insert(storyTopics).values(topicRows).onConflictDoNothing(),
  ]);
  for (const storyId of joined) {
    await recomputeStory(tx, storyId);
    await refreshStoryTopics(tx, storyId, topics);
  }
  return batch.length - founders.length;
}

async function updateArticle(tx: DbOrTx, id: number, storyId: number | null, item: NormalizedArticle) {
  await tx.update(articles).set({ ...articleValues(item), changedAt: new Date() }).where(eq(articles.id, id));
  await saveBands(tx, [{ articleId: id, keys: dedupKeys(item) }]);
  if (storyId !== null) await recomputeStory(tx, storyId, new Date());
}

/** Lead article = the earliest; the story's link, title and dates follow it. The uid never changes. */
export async function recomputeStory(tx: DbOrTx, storyId: number, editedAt?: Date): Promise<void> {
  const members = await tx
    .select({ id: articles.id, title: articles.title, url: articles.url, text: articles.text, publishedAt: articles.publishedAt, updatedAt: articles.updatedAt })
    .from(articles).where(eq(articles.storyId, storyId)).orderBy(articles.publishedAt, articles.id);
  const lead = members[0];
  if (!lead) return;
  const latest = Math.max(...members.map((m) => (m.updatedAt ?? m.publishedAt).getTime()), editedAt?.getTime() ?? 0);
  await tx.update(stories).set({
    title: lead.title, link: lead.url, leadArticleId: lead.id, publishedAt: lead.publishedAt,
    updatedAt: new Date(latest), articleCount: members.length, search: searchVector(lead.title, lead.text),
  }).where(eq(stories.id, storyId));
  await tx.update(storyTopics).set({ publishedAt: lead.publishedAt }).where(eq(storyTopics.storyId, storyId));
}

/** A story belongs to a topic when any of its articles matches it. */
export async function refreshStoryTopics(tx: DbOrTx, storyId: number, topics: readonly TopicMatcher[]): Promise<void> {
  const members = await tx
    .select({ title: articles.title, text: articles.text, sourceId: articles.sourceId, publishedAt: stories.publishedAt, tags: sources.tags })
    .from(articles)
    .innerJoin(stories, eq(stories.id, articles.storyId))
    .innerJoin(sources, eq(sources.id, articles.sourceId))
    .where(eq(articles.storyId, storyId));
  const matched = topics.filter((t) =>
    members.some((m) => t.matches({ title: m.title, text: m.text, sourceId: m.sourceId, sourceTags: m.tags })));
  await tx.delete(storyTopics).where(eq(storyTopics.storyId, storyId));
  const publishedAt = members[0]?.publishedAt;
  if (matched.length > 0 && publishedAt) {
    await tx.insert(storyTopics).values(matched.map((t) => ({ topicId: t.id, storyId, publishedAt })));
  }
}
