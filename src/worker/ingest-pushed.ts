import { eq } from 'drizzle-orm';
import { websubSourceSubscriptions } from '../db/schema.js';
import { recordFetch } from '../metrics/record.js';
import { parseFeedBody } from '../parser/parse.js';
import { normalizeParsedFeed } from '../processor/normalize.js';
import { storeArticles, type StoreResult } from '../storage/articles.js';
import type { AppContext, EffectiveSource } from './context.js';
import { sketchArticles } from '../dedup/sketch.js';

/**
 * Content a hub pushed for a source, taken in as a fetch of the topic would be: decoded, parsed, normalized, stored
 * (deduplicated into stories, matched to topics). Full-text extraction is left to the next poll.
 */
export async function ingestPushed(
  ctx: AppContext,
  source: EffectiveSource,
  topic: string,
  body: Buffer,
  contentType: string | undefined,
): Promise<StoreResult> {
  const started = Date.now();
  const now = new Date();
  const feed = await parseFeedBody(body, contentType, { maxItems: source.maxItems });
  const normalized = normalizeParsedFeed(feed, { feedUrl: topic, now });
  const stored = await storeArticles(
    ctx.database.db,
    { id: source.id, tags: source.tags },
    sketchArticles(normalized.items),
    ctx.topics,
  );
  await ctx.database.db
    .update(websubSourceSubscriptions)
    .set({ lastPushAt: now, lastError: null })
    .where(eq(websubSourceSubscriptions.sourceId, source.id));
  recordFetch(source.id, { ok: true, notModified: false, stored, durationMs: Date.now() - started });
  return stored;
}
