import { eq, sql, type SQL } from 'drizzle-orm';
import { bigintArray } from '../db/arrays.js';
import { articles, sources, stories, storySearch, storyTopics } from '../db/schema.js';
import type { TopicMatcher } from '../topics/match.js';
import type { DbOrTx } from './tx.js';

/** Text search of a story: its lead's title and the start of its text (SQL, over columns or parameters). */
export const searchVector = (title: SQL, text: SQL) =>
  sql`to_tsvector('english', ${title} || ' ' || left(${text}, 100000))`;

/**
 * Lead article = the earliest; each story's link, title, dates, count and search text follow its members, in two
 * statements for any number of stories (the second moves their topic rows to the lead's date).
 */
export async function recomputeStories(tx: DbOrTx, storyIds: readonly number[]): Promise<void> {
  if (storyIds.length === 0) return;
  const ids = bigintArray(storyIds);
  // Every CTE reads the rows as they were before the update: `moved` holds the stories whose lead changes.
  await tx.execute(sql`with lead as (
      select distinct on (story_id) story_id, id, title, url, text, published_at from ${articles}
      where story_id = any(${ids}::bigint[]) order by story_id, published_at, id
    ), agg as (
      select story_id, count(*)::int as n, max(coalesce(updated_at, published_at)) as latest from ${articles}
      where story_id = any(${ids}::bigint[]) group by story_id
    ), moved as (
      -- A copy joining later leaves the lead as it was: its search text need not be computed again.
      select lead.* from lead join ${stories} s on s.id = lead.story_id
      where s.lead_article_id is distinct from lead.id
        or not exists (select 1 from ${storySearch} x where x.story_id = lead.story_id)
    ), searched as (
      insert into ${storySearch} (story_id, search)
      select story_id, ${searchVector(sql`moved.title`, sql`moved.text`)} from moved
      on conflict (story_id) do update set search = excluded.search
    )
    update ${stories} s set title = lead.title, link = lead.url, lead_article_id = lead.id, published_at = lead.published_at,
      updated_at = agg.latest, article_count = agg.n
    from lead join agg using (story_id) where s.id = lead.story_id`);
  await tx.execute(sql`update ${storyTopics} st set published_at = s.published_at from ${stories} s
    where s.id = st.story_id and st.story_id = any(${ids}::bigint[]) and st.published_at <> s.published_at`);
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
    })
    .where(eq(stories.id, storyId));
  await tx
    .insert(storySearch)
    .values({ storyId, search: searchVector(sql`${lead.title}`, sql`${lead.text}`) })
    .onConflictDoUpdate({ target: storySearch.storyId, set: { search: sql`excluded.search` } });
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
