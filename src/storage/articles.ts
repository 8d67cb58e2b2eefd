import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { textArray } from '../db/arrays.js';
import { articles } from '../db/schema.js';
import { planMatches } from '../dedup/plan.js';
import { encodeShingles } from '../dedup/shingles.js';
import type { SketchedArticle } from '../dedup/sketch.js';
import type { TopicMatcher } from '../topics/match.js';
import { applyPlan, type Founded, type SourceRef } from './apply-plan.js';
import { saveBands } from './bands.js';
import { lookupCandidates } from './candidates.js';
import { bumpDataVersion } from './data-version.js';
import { reconcileFounders } from './reconcile.js';
import { retentionFloor, type RetentionPolicy } from './retention.js';
import { recomputeStory, refreshStoryTopics } from './recompute.js';
import { noteArticlesAdded } from './statistics.js';
import { recordTitleChange } from './timeline.js';
import type { DbOrTx } from './tx.js';

export type { SourceRef } from './apply-plan.js';
export type { DbOrTx } from './tx.js';

export interface StoreResult {
  added: number;
  updated: number;
  unchanged: number;
  /** New articles that joined a story another source had already carried. */
  merged: number;
  /** New items not stored because retention would prune them at once (see retentionFloor). */
  expired: number;
}

export interface StoreOptions {
  /** The configured retention: items it would prune are not stored. */
  retention?: RetentionPolicy;
  now?: Date;
}

/** New articles are matched and inserted this many at a time. */
const BATCH = 500;

/** Errors a concurrent writer can cause (deadlock, serialization, a story deleted under a joining article): retried. */
const RETRYABLE = new Set(['40P01', '40001', '23503']);
const ATTEMPTS = 4;

function retryable(err: unknown): boolean {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    const code = (e as Error & { code?: unknown }).code;
    if (typeof code === 'string' && RETRYABLE.has(code)) return true;
  }
  return false;
}

/**
 * Stores one source's sketched items in a single transaction: new items are added (joining an existing story when
 * they are the same report, as planned by dedup/plan.ts), edited items are updated in place, unchanged items cost a
 * read and nothing else. No lock is taken for matching: stories founded at the same moment by another worker are
 * merged after the commit (storage/reconcile.ts), and a transaction a concurrent writer broke is run again.
 */
export async function storeArticles(
  db: Db,
  source: SourceRef,
  items: readonly SketchedArticle[],
  topics: readonly TopicMatcher[],
  options: StoreOptions = {},
): Promise<StoreResult> {
  if (items.length === 0) return { added: 0, updated: 0, unchanged: 0, merged: 0, expired: 0 };
  const { result, founded } = await retried(() => storeInTransaction(db, source, items, topics, options));
  const moved = await retried(() => reconcileFounders(db, founded));
  result.merged += moved;
  // After the commit (and any merge): the row the version lives in would otherwise serialize every store's commit.
  if (result.added + result.updated + moved > 0) await bumpDataVersion(db);
  if (result.added > 0) void noteArticlesAdded(db, result.added);
  return result;
}

async function retried<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      if (attempt >= ATTEMPTS || !retryable(err)) throw err;
    }
  }
}

async function storeInTransaction(
  db: Db,
  source: SourceRef,
  items: readonly SketchedArticle[],
  topics: readonly TopicMatcher[],
  options: StoreOptions,
): Promise<{ result: StoreResult; founded: Founded }> {
  const result: StoreResult = { added: 0, updated: 0, unchanged: 0, merged: 0, expired: 0 };
  const founded: Founded = [];
  await db.transaction(async (tx) => {
    const known = new Map<string, { id: number; fingerprint: string; storyId: number | null }>();
    for (let i = 0; i < items.length; i += 1000) {
      const guids = items.slice(i, i + 1000).map((a) => a.guid);
      const rows = await tx
        .select({ id: articles.id, guid: articles.guid, fingerprint: articles.fingerprint, storyId: articles.storyId })
        .from(articles)
        .where(and(eq(articles.sourceId, source.id), sql`${articles.guid} = any(${textArray(guids)}::text[])`));
      for (const row of rows) known.set(row.guid, row);
    }
    let fresh: SketchedArticle[] = [];
    for (const item of items) {
      const existing = known.get(item.guid);
      if (existing && existing.fingerprint === item.fingerprint) {
        result.unchanged++;
      } else if (existing) {
        if (existing.storyId !== null) await recordTitleChange(tx, source.id, existing.id, item.title);
        await updateArticle(tx, existing.id, existing.storyId, item);
        if (existing.storyId !== null) await refreshStoryTopics(tx, existing.storyId, topics);
        result.updated++;
      } else {
        fresh.push(item);
      }
    }
    const floor =
      options.retention && fresh.length > 0
        ? await retentionFloor(tx, source.id, options.retention, options.now ?? new Date())
        : undefined;
    if (floor) {
      const admitted = fresh.filter((item) => item.publishedAt >= floor);
      result.expired = fresh.length - admitted.length;
      fresh = admitted;
    }
    for (let b = 0; b < fresh.length; b += BATCH) {
      const batch = fresh.slice(b, b + BATCH);
      const { exact, candidates } = await lookupCandidates(tx, batch);
      const plan = planMatches(
        batch.map((item) => ({ canonicalUrl: item.canonicalUrl, contentHash: item.contentHash, ...item.sketch })),
        exact,
        candidates,
      );
      const applied = await applyPlan(tx, source, batch, plan, topics);
      result.merged += applied.joined;
      founded.push(...applied.founded);
      result.added += batch.length;
    }
  });
  return { result, founded };
}

const articleValues = (item: SketchedArticle) => ({
  url: item.url,
  canonicalUrl: item.canonicalUrl,
  title: item.title,
  author: item.author,
  summaryHtml: item.summaryHtml,
  contentHtml: item.contentHtml,
  text: item.text,
  categories: item.categories,
  enclosures: item.enclosures,
  publishedAt: item.publishedAt,
  updatedAt: item.updatedAt,
  contentHash: item.contentHash,
  fingerprint: item.fingerprint,
  sketch: encodeShingles(item.sketch.print.body),
});

async function updateArticle(tx: DbOrTx, id: number, storyId: number | null, item: SketchedArticle) {
  await tx
    .update(articles)
    .set({ ...articleValues(item), changedAt: new Date() })
    .where(eq(articles.id, id));
  await saveBands(tx, [{ articleId: id, bands: item.sketch.bands }]);
  if (storyId !== null) await recomputeStory(tx, storyId, new Date());
}
