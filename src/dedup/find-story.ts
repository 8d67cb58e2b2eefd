import { and, eq, ne, or, isNotNull } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { articles } from '../db/schema.js';
import type { NormalizedArticle } from '../processor/normalize.js';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbOrTx = Db | Tx;

/** The story an incoming article belongs to, if another source already carried it. Exact layer: the same
 * canonical URL or the same normalized content anywhere. */
export async function findStory(db: DbOrTx, sourceId: string, article: NormalizedArticle): Promise<number | undefined> {
  const sameKey = article.canonicalUrl
    ? or(eq(articles.canonicalUrl, article.canonicalUrl), eq(articles.contentHash, article.contentHash))
    : eq(articles.contentHash, article.contentHash);
  const [match] = await db
    .select({ storyId: articles.storyId })
    .from(articles)
    .where(and(sameKey, ne(articles.sourceId, sourceId), isNotNull(articles.storyId)))
    .orderBy(articles.publishedAt)
    .limit(1);
  return match?.storyId ?? undefined;
}
