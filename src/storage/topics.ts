import { and, asc, eq, gt, inArray, notInArray } from 'drizzle-orm';
import type { Config, TopicConfig } from '../config/schema.js';
import type { Db } from '../db/client.js';
import { articles, sources, stories, storyTopics, topics } from '../db/schema.js';
import { sha256 } from '../processor/hash.js';
import { compileTopic } from '../topics/match.js';
import { bumpDataVersion } from './data-version.js';

const definitionHash = (t: TopicConfig) =>
  sha256(JSON.stringify({ include: t.include, exclude: t.exclude, tags: t.tags ?? null, sources: t.sources ?? null }));

/** Makes the topics table follow the file; returns the topics whose stored matches are stale. */
export async function syncTopics(db: Db, config: Config): Promise<TopicConfig[]> {
  const ids = config.topics.map((t) => t.id);
  await db.delete(topics).where(ids.length > 0 ? notInArray(topics.id, ids) : undefined);
  const stale: TopicConfig[] = [];
  const existing = new Map((await db.select().from(topics)).map((t) => [t.id, t]));
  for (const topic of config.topics) {
    const hash = definitionHash(topic);
    const title = topic.title ?? topic.id;
    await db
      .insert(topics)
      .values({ id: topic.id, title, definitionHash: hash })
      .onConflictDoUpdate({ target: topics.id, set: { title, definitionHash: hash } });
    if (existing.get(topic.id)?.evaluatedHash !== hash) stale.push(topic);
  }
  return stale;
}

/** Re-matches every stored story against one topic, in batches so the service keeps running meanwhile. */
export async function reevaluateTopic(db: Db, topic: TopicConfig, batchSize = 500): Promise<number> {
  const matcher = compileTopic(topic);
  const hash = definitionHash(topic);
  let lastId = 0;
  let matched = 0;
  for (;;) {
    const batch = await db
      .select({ id: stories.id, publishedAt: stories.publishedAt })
      .from(stories)
      .where(gt(stories.id, lastId))
      .orderBy(asc(stories.id))
      .limit(batchSize);
    if (batch.length === 0) break;
    lastId = batch.at(-1)!.id;
    const members = await db
      .select({
        storyId: articles.storyId,
        title: articles.title,
        text: articles.text,
        sourceId: articles.sourceId,
        tags: sources.tags,
      })
      .from(articles)
      .innerJoin(sources, eq(sources.id, articles.sourceId))
      .where(
        inArray(
          articles.storyId,
          batch.map((s) => s.id),
        ),
      );
    const hits = batch.filter((story) =>
      members.some(
        (m) =>
          m.storyId === story.id &&
          matcher.matches({ title: m.title, text: m.text, sourceId: m.sourceId, sourceTags: m.tags }),
      ),
    );
    await db.transaction(async (tx) => {
      await tx.delete(storyTopics).where(
        and(
          eq(storyTopics.topicId, topic.id),
          inArray(
            storyTopics.storyId,
            batch.map((s) => s.id),
          ),
        ),
      );
      if (hits.length > 0) {
        await tx
          .insert(storyTopics)
          .values(hits.map((s) => ({ topicId: topic.id, storyId: s.id, publishedAt: s.publishedAt })));
      }
    });
    matched += hits.length;
  }
  await db.update(topics).set({ evaluatedHash: hash }).where(eq(topics.id, topic.id));
  await bumpDataVersion(db);
  return matched;
}
