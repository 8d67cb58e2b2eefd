import { and, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { articles, sources, stories, storySearch, storyTopics, type Enclosure } from '../db/schema.js';
import { loadStoryEvents, type StoryEvent } from './timeline.js';

export interface StoryQuery {
  /** A topic id, or undefined for the merged feed of everything. */
  topic?: string;
  limit: number;
  /** Only stories strictly older than this cursor (from a previous page). */
  before?: { publishedAt: Date; id: number };
  /** Full-text search, web-search syntax. */
  q?: string;
  source?: string;
  tag?: string;
}

export interface Outlet {
  sourceId: string;
  name: string;
  /** The outlet's article. */
  url: string | null;
  /** The outlet's feed and site, for RSS/Atom <source>. */
  feedUrl: string;
  siteUrl: string | null;
}

/** A story as readers see it: the lead article's content plus every outlet that carried it. */
export interface StoryView {
  id: number;
  uid: string;
  title: string;
  link: string | null;
  /** The lead article's: stays put when other outlets join or the headline changes. */
  publishedAt: Date;
  /** The latest edit of any article or timeline event. */
  updatedAt: Date;
  author: string | null;
  summaryHtml: string | null;
  contentHtml: string | null;
  text: string;
  categories: string[];
  enclosures: Enclosure[];
  outlets: Outlet[];
  topics: string[];
  /** What happened after the first report (outlets joining, headline changes), newest first, at most TIMELINE_LENGTH. */
  timeline: StoryEvent[];
  /** Older events left out of `timeline`. */
  earlierEvents: number;
}

export async function queryStories(db: Db, query: StoryQuery): Promise<StoryView[]> {
  const conditions: SQL[] = [];
  if (query.before) {
    conditions.push(
      sql`(${stories.publishedAt}, ${stories.id}) < (${query.before.publishedAt.toISOString()}::timestamptz, ${query.before.id})`,
    );
  }
  if (query.q)
    conditions.push(sql`${stories.id} in (select ${storySearch.storyId} from ${storySearch}
      where ${storySearch.search} @@ websearch_to_tsquery('english', ${query.q}))`);
  if (query.source) {
    conditions.push(
      sql`exists (select 1 from ${articles} a where a.story_id = ${stories.id} and a.source_id = ${query.source})`,
    );
  }
  if (query.tag) {
    conditions.push(sql`exists (select 1 from ${articles} a join ${sources} src on src.id = a.source_id
      where a.story_id = ${stories.id} and ${query.tag} = any(src.tags))`);
  }
  const base = db.select({ story: stories }).from(stories);
  const rows = await (
    query.topic
      ? base
          .innerJoin(storyTopics, and(eq(storyTopics.storyId, stories.id), eq(storyTopics.topicId, query.topic)))
          .where(and(...conditions))
          .orderBy(desc(storyTopics.publishedAt), desc(storyTopics.storyId))
      : base.where(and(...conditions)).orderBy(desc(stories.publishedAt), desc(stories.id))
  ).limit(query.limit);
  return storyViews(
    db,
    rows.map((r) => r.story),
  );
}

/** The views of these stories, in the order given: their articles, outlets, topics and timeline in a few queries. */
export async function storyViews(db: Db, rows: readonly (typeof stories.$inferSelect)[]): Promise<StoryView[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((story) => story.id);
  const members = await db
    .select({
      id: articles.id,
      storyId: articles.storyId,
      sourceId: articles.sourceId,
      url: articles.url,
      author: articles.author,
      summaryHtml: articles.summaryHtml,
      contentHtml: articles.contentHtml,
      text: articles.text,
      categories: articles.categories,
      enclosures: articles.enclosures,
      publishedAt: articles.publishedAt,
      sourceName: sql<string>`coalesce(${sources.name}, ${sources.feedTitle}, ${sources.id})`,
      feedUrl: sources.url,
      siteUrl: sources.siteUrl,
    })
    .from(articles)
    .innerJoin(sources, eq(sources.id, articles.sourceId))
    .where(inArray(articles.storyId, ids))
    .orderBy(articles.publishedAt, articles.id);
  const topicRows = await db.select().from(storyTopics).where(inArray(storyTopics.storyId, ids));
  const events = await loadStoryEvents(db, ids);

  return rows.map((story) => {
    const own = members.filter((m) => m.storyId === story.id);
    const lead = own.find((m) => m.id === story.leadArticleId) ?? own[0];
    const outlets = new Map<string, Outlet>();
    for (const m of own)
      if (!outlets.has(m.sourceId))
        outlets.set(m.sourceId, {
          sourceId: m.sourceId,
          name: m.sourceName,
          url: m.url,
          feedUrl: m.feedUrl,
          siteUrl: m.siteUrl,
        });
    const { events: timeline, earlier } = events.get(story.id) ?? { events: [], earlier: 0 };
    const lastEvent = timeline[0]?.at;
    return {
      id: story.id,
      uid: story.uid,
      title: story.title,
      link: story.link,
      publishedAt: story.publishedAt,
      updatedAt: lastEvent && lastEvent > story.updatedAt ? lastEvent : story.updatedAt,
      author: lead?.author ?? null,
      summaryHtml: lead?.summaryHtml ?? null,
      contentHtml: lead?.contentHtml ?? null,
      text: lead?.text ?? '',
      categories: lead?.categories ?? [],
      enclosures: lead?.enclosures ?? [],
      outlets: [...outlets.values()],
      topics: topicRows.filter((t) => t.storyId === story.id).map((t) => t.topicId),
      timeline,
      earlierEvents: earlier,
    };
  });
}
