import { sql } from 'drizzle-orm';
import { bigintArray, jsonChunks, textArray } from '../db/arrays.js';
import { queryRows } from '../db/rows.js';
import { articles, stories, storySearch, storyTopics } from '../db/schema.js';
import type { PlanEntry } from '../dedup/plan.js';
import { encodeShingles } from '../dedup/shingles.js';
import type { SketchedArticle } from '../dedup/sketch.js';
import { sha256 } from '../processor/hash.js';
import type { TopicMatcher } from '../topics/match.js';
import { saveBands } from './bands.js';
import { recomputeStories, searchVector } from './recompute.js';
import { recordNewOutlets } from './timeline.js';
import type { DbOrTx } from './tx.js';

export interface SourceRef {
  id: string;
  tags: readonly string[];
}

/** Ids readers see: a URN (Atom needs a URI) derived from the first article, so it survives restarts and re-imports. */
export const storyUid = (sourceId: string, guid: string) =>
  `urn:tributary:story:${sha256(`${sourceId}\n${guid}`).slice(0, 32)}`;

/** Stories a store founded, each with its founding article (its lead) and that article's id. */
export type Founded = { storyId: number; articleId: number; item: SketchedArticle }[];

/**
 * Applies a match plan in a fixed handful of statements, however many articles join stories: article ids, new
 * stories (written once, already pointing at their lead), articles, band keys, joined stories, topic links. Returns how
 * many articles joined a story that was already stored or founded earlier in the batch, and the stories it founded.
 */
export async function applyPlan(
  tx: DbOrTx,
  source: SourceRef,
  batch: readonly SketchedArticle[],
  plan: readonly PlanEntry[],
  topics: readonly TopicMatcher[],
): Promise<{ joined: number; founded: Founded }> {
  const ids = await articleIds(tx, batch.length);
  const founders = plan.filter((e) => 'new' in e.story).map((e) => e.item);
  const foundedStory = await insertStories(tx, source.id, founders, batch, ids);
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
  await insertArticles(tx, source.id, batch, ids, storyOf);
  const joiners = plan.filter((e) => !('new' in e.story)).map((e) => e.item);
  const topicPairs = batch.flatMap((item, i) =>
    topics
      .filter((t) => t.matches({ title: item.title, text: item.text, sourceId: source.id, sourceTags: source.tags }))
      .map((t) => [t.id, storyOf(i)] as const),
  );
  // Independent statements, sent together (pipelined on the transaction's connection).
  await Promise.all([
    saveBands(
      tx,
      batch.map((item, i) => ({ articleId: ids[i]!, bands: item.sketch.bands })),
      { fresh: true },
    ),
    joinStories(
      tx,
      joiners.map((i) => ({ storyId: storyOf(i), item: batch[i]! })),
    ),
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
    joined: joiners.length,
    founded: founders.map((i) => ({ storyId: storyOf(i), articleId: ids[i]!, item: batch[i]! })),
  };
}

/** Ids for a batch's articles, in batch order, taken before anything is written so that stories can point at them. */
async function articleIds(tx: DbOrTx, n: number): Promise<number[]> {
  const rows = await queryRows<{ id: number | string }>(
    tx,
    sql`select nextval(pg_get_serial_sequence('articles', 'id')) as id from generate_series(1, ${n})`,
  );
  return rows.map((r) => Number(r.id));
}

/**
 * One row per founded story, final from the start: its lead is the founding article, its search text computed from
 * it. (Inserting first and pointing at the lead afterwards wrote every new story, and its six index entries, twice.)
 * Returns the story of each founder.
 */
async function insertStories(
  tx: DbOrTx,
  sourceId: string,
  founders: readonly number[],
  batch: readonly SketchedArticle[],
  ids: readonly number[],
): Promise<Map<number, number>> {
  if (founders.length === 0) return new Map();
  const uids = founders.map((i) => storyUid(sourceId, batch[i]!.guid));
  const chunks = jsonChunks(
    founders.map((i, k) => {
      const item = batch[i]!;
      return {
        uid: uids[k],
        title: item.title,
        link: item.url,
        lead: ids[i],
        published_at: item.publishedAt,
        updated_at: item.updatedAt ?? item.publishedAt,
        text: item.text,
      };
    }),
  );
  const rows = (
    await Promise.all(
      chunks.map((json) =>
        queryRows<{ id: number | string; uid: string }>(
          tx,
          sql`with r as (
            select * from jsonb_to_recordset(${json}::jsonb) as r(uid text, title text, link text, lead bigint,
              published_at timestamptz, updated_at timestamptz, text text)
          ), founded as (
            insert into ${stories} (uid, title, link, lead_article_id, published_at, updated_at)
            select uid, title, link, lead, published_at, updated_at from r
            returning id, uid
          ), searched as (
            insert into ${storySearch} (story_id, search)
            select founded.id, ${searchVector(sql`r.title`, sql`r.text`)} from founded join r using (uid)
          )
          select id, uid from founded`,
        ),
      ),
    )
  ).flat();
  // RETURNING order is not promised: map rows back by their unique keys.
  const storyByUid = new Map(rows.map((row) => [row.uid, Number(row.id)]));
  return new Map(founders.map((i, k) => [i, storyByUid.get(uids[k]!)!]));
}

/**
 * Inserts a batch of new articles under the given ids with one parameter a statement: the rows as JSON arrays (of
 * bounded size, see jsonChunks) read by jsonb_to_recordset. Building a VALUES list of ~18 parameters a row through the
 * query builder, and binding each, cost more CPU than the insert itself. The strings are already free of NUL and lone
 * surrogates (stripForbidden), which jsonb would refuse; the sketch travels as base64.
 */
async function insertArticles(
  tx: DbOrTx,
  sourceId: string,
  batch: readonly SketchedArticle[],
  ids: readonly number[],
  storyOf: (i: number) => number,
): Promise<void> {
  const chunks = jsonChunks(
    batch.map((item, i) => ({
      id: ids[i],
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
  // Sent together: pipelined on the transaction's connection.
  await Promise.all(
    chunks.map((rows) =>
      tx.execute(sql`insert into ${articles} (id, source_id, guid, url, canonical_url, title, author, summary_html,
        content_html, text, categories, enclosures, published_at, updated_at, content_hash, fingerprint, sketch, story_id)
      select r.id, ${sourceId}, r.guid, r.url, r.canonical_url, r.title, r.author, r.summary_html, r.content_html, r.text,
        r.categories, r.enclosures, r.published_at, r.updated_at, r.content_hash, r.fingerprint,
        decode(r.sketch, 'base64'), r.story_id
      from jsonb_to_recordset(${rows}::jsonb) as r(id bigint, guid text, url text, canonical_url text, title text,
        author text, summary_html text, content_html text, text text, categories text[], enclosures jsonb,
        published_at timestamptz, updated_at timestamptz, content_hash text, fingerprint text, sketch text,
        story_id bigint)`),
    ),
  );
}

/**
 * New articles joining stories. A copy arriving after the lead (nearly always) changes only the count and the latest
 * date, added in one statement; a story whose new member is earlier than its lead is recomputed from its members. The
 * increment also stays right when two workers join one story at once, where recomputing from each one's snapshot
 * would lose a member.
 */
async function joinStories(tx: DbOrTx, joins: readonly { storyId: number; item: SketchedArticle }[]): Promise<void> {
  if (joins.length === 0) return;
  const byStory = new Map<number, { n: number; latest: number; earliest: number }>();
  for (const { storyId, item } of joins) {
    const latest = (item.updatedAt ?? item.publishedAt).getTime();
    const published = item.publishedAt.getTime();
    const entry = byStory.get(storyId);
    if (!entry) byStory.set(storyId, { n: 1, latest, earliest: published });
    else {
      entry.n++;
      entry.latest = Math.max(entry.latest, latest);
      entry.earliest = Math.min(entry.earliest, published);
    }
  }
  const list = [...byStory];
  const iso = (ms: number) => new Date(ms).toISOString();
  const added = await queryRows<{ id: number | string }>(
    tx,
    sql`update ${stories} s set article_count = s.article_count + v.n, updated_at = greatest(s.updated_at, v.latest)
    from unnest(${bigintArray(list.map(([id]) => id))}::bigint[], ${bigintArray(list.map(([, e]) => e.n))}::int[],
      ${textArray(list.map(([, e]) => iso(e.latest)))}::timestamptz[],
      ${textArray(list.map(([, e]) => iso(e.earliest)))}::timestamptz[]) as v(id, n, latest, earliest)
    where s.id = v.id and v.earliest >= s.published_at
    returning s.id`,
  );
  const done = new Set(added.map((r) => Number(r.id)));
  await recomputeStories(
    tx,
    list.map(([id]) => id).filter((id) => !done.has(id)),
  );
}
