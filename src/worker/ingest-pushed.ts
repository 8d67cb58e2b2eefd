import { eq, sql } from 'drizzle-orm';
import { sources, websubSourceSubscriptions } from '../db/schema.js';
import { recordFetch } from '../metrics/record.js';
import { parseFeedBody } from '../parser/parse.js';
import { normalizeParsedFeedInSlices } from '../processor/normalize.js';
import { storeArticles, type StoreResult } from '../storage/articles.js';
import type { AppContext, EffectiveSource } from './context.js';
import { sketchArticlesInSlices } from '../dedup/sketch.js';
import { withDeadline } from './deadline.js';
import { refreshDeadlineMs } from './pass.js';
import { failureMessage } from './refresh-source.js';

/**
 * Content a hub pushed for a source, taken in as a fetch of the topic would be: decoded, parsed (at most the source's
 * maxItems), normalized and sanitized, stored (deduplicated into stories, matched to topics), within the same deadline
 * as a refresh; the source's health (last success or error) says how it went, as after a fetch. Full-text extraction is
 * left to the next poll. Throws the failure, already recorded, with its public message.
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
  const { db } = ctx.database;
  let stage = 'parsing';
  try {
    const limit = refreshDeadlineMs(ctx);
    const { stored, title, siteUrl, notice, items } = await withDeadline(
      limit,
      undefined,
      () => `pushed content took longer than ${limit} ms: abandoned while ${stage}`,
      async (signal) => {
        const feed = await parseFeedBody(body, contentType, { maxItems: source.maxItems });
        signal.throwIfAborted();
        stage = 'normalizing';
        const normalized = await normalizeParsedFeedInSlices(feed, { feedUrl: topic, now }, signal);
        const sketched = await sketchArticlesInSlices(normalized.items, signal);
        stage = 'storing';
        const stored = await storeArticles(db, { id: source.id, tags: source.tags }, sketched, ctx.topics, {
          retention: ctx.config.retention,
          now,
        });
        return {
          stored,
          title: normalized.title,
          siteUrl: normalized.siteUrl,
          notice: normalized.notice,
          items: normalized.items.length,
        };
      },
    );
    // The poll schedule (relaxed while the subscription lives) is left as it is.
    await db
      .update(sources)
      .set({
        lastAttemptAt: now,
        lastSuccessAt: now,
        lastError: null,
        lastDurationMs: Date.now() - started,
        consecutiveFailures: 0,
        feedTitle: title,
        siteUrl,
        notice,
        itemsSeen: items,
      })
      .where(eq(sources.id, source.id));
    await db
      .update(websubSourceSubscriptions)
      .set({ lastPushAt: now, lastError: null })
      .where(eq(websubSourceSubscriptions.sourceId, source.id));
    recordFetch(source.id, { ok: true, notModified: false, stored, durationMs: Date.now() - started });
    return stored;
  } catch (err) {
    const message = `pushed content: ${failureMessage(err)}`;
    recordFetch(source.id, { ok: false, durationMs: Date.now() - started });
    await db
      .update(sources)
      .set({
        lastAttemptAt: now,
        lastError: message,
        lastDurationMs: Date.now() - started,
        consecutiveFailures: sql`${sources.consecutiveFailures} + 1`,
      })
      .where(eq(sources.id, source.id))
      .catch(() => {});
    await db
      .update(websubSourceSubscriptions)
      .set({ lastError: message })
      .where(eq(websubSourceSubscriptions.sourceId, source.id))
      .catch(() => {});
    throw new Error(message, { cause: err });
  }
}
