import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { bigintArray, jsonChunks, textArray } from '../db/arrays.js';
import { queryRows } from '../db/rows.js';
import { articles, sources, stories, storyTopics } from '../db/schema.js';
import { planMatches, type PlanEntry } from '../dedup/plan.js';
import { encodeShingles } from '../dedup/shingles.js';
import type { SketchedArticle } from '../dedup/sketch.js';
import { recordNewOutlets, recordTitleChange } from './timeline.js';
import { sha256 } from '../processor/hash.js';
import type { TopicMatcher } from '../topics/match.js';
import { saveBands } from './bands.js';
import { lookupCandidates } from './candidates.js';
import { bumpDataVersion } from './data-version.js';
import { reconcileFounders } from './reconcile.js';
import { noteArticlesAdded } from './statistics.js';
import type { DbOrTx } from './tx.js';

export type { DbOrTx } from './tx.js';

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
export const storyUid = (sourceId: string, guid: string) =>
  `urn:tributary:story:${sha256(`${sourceId}\n${guid}`).slice(0, 32)}`;

const searchVector = (title: string, text: string) =>
  sql`to_tsvector('english', ${title} || ' ' || left(${text}, 100000))`;

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
): Promise<StoreResult> {
  if (items.length === 0) return { added: 0, updated: 0, unchanged: 0, merged: 0 };
  const { result, founded } = await retried(() => storeInTransaction(db, source, items, topics));
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

type Founded = { storyId: number; item: SketchedArticle }[];

async function storeInTransaction(
  db: Db,
  source: SourceRef,
  items: readonly SketchedArticle[],
  topics: readonly TopicMatcher[],
): Promise<{ result: StoreResult; founded: Founded }> {
  const result: StoreResult = { added: 0, updated: 0, unchanged: 0, merged: 0 };
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
    const fresh: SketchedArticle[] = [];
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

/**
 * Inserts a batch of new articles with one parameter a statement: the rows as JSON arrays (of bounded size, see
 * jsonChunks) read by jsonb_to_recordset. Building a VALUES list of ~18 parameters a row through the query builder,
 * and binding each, cost more CPU than the insert itself. The strings are already free of NUL and lone surrogates
 * (stripForbidden), which jsonb would refuse; the sketch travels as base64.
 */
async function insertArticles(
  tx: DbOrTx,
  sourceId: string,
  batch: readonly SketchedArticle[],
  storyOf: (i: number) => number,
): Promise<{ id: number | string; guid: string }[]> {
  const chunks = jsonChunks(
    batch.map((item, i) => ({
      guid: item.guid,
      url: item.url,
      canonical_url: item.canonicalUrl,
      title: item.title,
      author: item.author,
      summary_html: item.summaryHtml,
      content_html: item.contentHtml,
      text: item.text,
      categories: item.categories,
      enclosures: item.enclosures,
      published_at: item.publishedAt,
      updated_at: item.updatedAt,
      content_hash: item.contentHash,
      fingerprint: item.fingerprint,
      sketch: encodeShingles(item.sketch.print.body).toString('base64'),
      story_id: storyOf(i),
    })),
  );
  const statement = (rows: string) =>
    queryRows<{ id: number | string; guid: string }>(
      tx,
      sql`insert into ${articles} (source_id, guid, url, canonical_url, title, author, summary_html, content_html,
      text, categories, enclosures, published_at, updated_at, content_hash, fingerprint, sketch, story_id)
    select ${sourceId}, r.guid, r.url, r.canonical_url, r.title, r.author, r.summary_html, r.content_html, r.text,
      r.categories, r.enclosures, r.published_at, r.updated_at, r.content_hash, r.fingerprint, decode(r.sketch, 'base64'), r.story_id
    from jsonb_to_recordset(${rows}::jsonb) as r(guid text, url text, canonical_url text, title text, author text,
      summary_html text, content_html text, text text, categories text[], enclosures jsonb, published_at timestamptz,
      updated_at timestamptz, content_hash text, fingerprint text, sketch text, story_id bigint)
    returning id, guid`,
    );
  // Sent together: pipelined on the transaction's connection.
  return (await Promise.all(chunks.map(statement))).flat();
}

/**
 * Applies a match plan in a fixed handful of statements, however many articles join stories: new stories, articles,
 * band keys, leads of new stories, the recomputed joined stories, topic links. Returns how many articles joined a
 * story that was already stored or founded earlier in the batch, and the stories it founded.
 */
async function applyPlan(
  tx: DbOrTx,
  source: SourceRef,
  batch: readonly SketchedArticle[],
  plan: readonly PlanEntry[],
  topics: readonly TopicMatcher[],
): Promise<{ joined: number; founded: Founded }> {
  const founders = plan.filter((e) => 'new' in e.story).map((e) => e.item);
  const newStories =
    founders.length === 0
      ? []
      : await tx
          .insert(stories)
          .values(
            founders.map((i) => {
              const item = batch[i]!;
              // No search vector here: it is computed from the stored lead below (the text is not sent twice).
              return {
                uid: storyUid(source.id, item.guid),
                title: item.title,
                link: item.url,
                publishedAt: item.publishedAt,
                updatedAt: item.updatedAt ?? item.publishedAt,
              };
            }),
          )
          .returning({ id: stories.id, uid: stories.uid });
  // RETURNING order is not promised: map rows back by their unique keys.
  const storyByUid = new Map(newStories.map((row) => [row.uid, row.id]));
  const foundedStory = new Map(founders.map((i) => [i, storyByUid.get(storyUid(source.id, batch[i]!.guid))!]));
  const storyOf = (i: number): number => {
    const story = plan[i]!.story;
    if ('existing' in story) return story.existing;
    return foundedStory.get('sameAs' in story ? story.sameAs : i)!;
  };
  await recordNewOutlets(
    tx,
    source.id,
    plan.flatMap(({ story }) => ('existing' in story ? [story.existing] : [])),
  );
  const inserted = await insertArticles(tx, source.id, batch, storyOf);
  const articleByGuid = new Map(inserted.map((row) => [row.guid, Number(row.id)]));
  const articleId = (i: number) => articleByGuid.get(batch[i]!.guid)!;
  const joined = [...new Set(plan.filter((e) => !('new' in e.story)).map((e) => storyOf(e.item)))];
  const joinedSet = new Set(joined);
  const solo = founders.filter((i) => !joinedSet.has(storyOf(i)));
  const topicPairs = batch.flatMap((item, i) =>
    topics
      .filter((t) => t.matches({ title: item.title, text: item.text, sourceId: source.id, sourceTags: source.tags }))
      .map((t) => [t.id, storyOf(i)] as const),
  );
  // Independent statements, sent together (pipelined on the transaction's connection).
  await Promise.all([
    saveBands(
      tx,
      batch.map((item, i) => ({ articleId: articleId(i), bands: item.sketch.bands })),
      { fresh: true },
    ),
    solo.length > 0 &&
      tx.execute(sql`update ${stories} set lead_article_id = v.article_id,
        search = to_tsvector('english', a.title || ' ' || left(a.text, 100000))
      from (select unnest(${bigintArray(solo.map(storyOf))}::bigint[]) as story_id,
                   unnest(${bigintArray(solo.map(articleId))}::bigint[]) as article_id) v
      join ${articles} a on a.id = v.article_id
      where ${stories.id} = v.story_id`),
    recomputeStories(tx, joined),
  ]);
  // A story is in a topic when any of its articles matches: a joining article can only add topics.
  if (topicPairs.length > 0) {
    await tx.execute(sql`insert into ${storyTopics} (topic_id, story_id, published_at)
      select v.topic_id, v.story_id, s.published_at
      from unnest(${textArray(topicPairs.map((p) => p[0]))}::text[], ${bigintArray(topicPairs.map((p) => p[1]))}::bigint[]) as v(topic_id, story_id)
      join ${stories} s on s.id = v.story_id
      on conflict do nothing`);
  }
  return {
    joined: batch.length - founders.length,
    founded: founders.map((i) => ({ storyId: storyOf(i), item: batch[i]! })),
  };
}

/**
 * Lead article = the earliest; each story's link, title, dates, count and search text follow its members, in two
 * statements for any number of stories (the second moves their topic rows to the lead's date).
 */
export async function recomputeStories(tx: DbOrTx, storyIds: readonly number[]): Promise<void> {
  if (storyIds.length === 0) return;
  const ids = bigintArray(storyIds);
  await tx.execute(sql`with lead as (
      select distinct on (story_id) story_id, id, title, url, text, published_at from ${articles}
      where story_id = any(${ids}::bigint[]) order by story_id, published_at, id
    ), agg as (
      select story_id, count(*)::int as n, max(coalesce(updated_at, published_at)) as latest from ${articles}
      where story_id = any(${ids}::bigint[]) group by story_id
    )
    update ${stories} s set title = lead.title, link = lead.url, lead_article_id = lead.id, published_at = lead.published_at,
      updated_at = agg.latest, article_count = agg.n,
      -- A copy joining later leaves the lead as it was: its search text need not be computed again.
      search = case when s.lead_article_id is distinct from lead.id or s.search is null
        then to_tsvector('english', lead.title || ' ' || left(lead.text, 100000)) else s.search end
    from lead join agg using (story_id) where s.id = lead.story_id`);
  await tx.execute(sql`update ${storyTopics} st set published_at = s.published_at from ${stories} s
    where s.id = st.story_id and st.story_id = any(${ids}::bigint[]) and st.published_at <> s.published_at`);
}

async function updateArticle(tx: DbOrTx, id: number, storyId: number | null, item: SketchedArticle) {
  await tx
    .update(articles)
    .set({ ...articleValues(item), changedAt: new Date() })
    .where(eq(articles.id, id));
  await saveBands(tx, [{ articleId: id, bands: item.sketch.bands }]);
  if (storyId !== null) await recomputeStory(tx, storyId, new Date());
}

/** Lead article = the earliest; the story's link, title and dates follow it. The uid never changes. */
export async function recomputeStory(tx: DbOrTx, storyId: number, editedAt?: Date): Promise<void> {
  const members = await tx
    .select({
      id: articles.id,
      title: articles.title,
      url: articles.url,
      text: articles.text,
      publishedAt: articles.publishedAt,
      updatedAt: articles.updatedAt,
    })
    .from(articles)
    .where(eq(articles.storyId, storyId))
    .orderBy(articles.publishedAt, articles.id);
  const lead = members[0];
  if (!lead) return;
  const latest = Math.max(...members.map((m) => (m.updatedAt ?? m.publishedAt).getTime()), editedAt?.getTime() ?? 0);
  await tx
    .update(stories)
    .set({
      title: lead.title,
      link: lead.url,
      leadArticleId: lead.id,
      publishedAt: lead.publishedAt,
      updatedAt: new Date(latest),
      articleCount: members.length,
      search: searchVector(lead.title, lead.text),
    })
    .where(eq(stories.id, storyId));
  await tx.update(storyTopics).set({ publishedAt: lead.publishedAt }).where(eq(storyTopics.storyId, storyId));
}

/** A story belongs to a topic when any of its articles matches it. */
export async function refreshStoryTopics(tx: DbOrTx, storyId: number, topics: readonly TopicMatcher[]): Promise<void> {
  const members = await tx
    .select({
      title: articles.title,
      text: articles.text,
      sourceId: articles.sourceId,
      publishedAt: stories.publishedAt,
      tags: sources.tags,
    })
    .from(articles)
    .innerJoin(stories, eq(stories.id, articles.storyId))
    .innerJoin(sources, eq(sources.id, articles.sourceId))
    .where(eq(articles.storyId, storyId));
  const matched = topics.filter((t) =>
    members.some((m) => t.matches({ title: m.title, text: m.text, sourceId: m.sourceId, sourceTags: m.tags })),
  );
  await tx.delete(storyTopics).where(eq(storyTopics.storyId, storyId));
  const publishedAt = members[0]?.publishedAt;
  if (matched.length > 0 && publishedAt) {
    await tx.insert(storyTopics).values(matched.map((t) => ({ topicId: t.id, storyId, publishedAt })));
  }
}
