import type { Db } from '../../src/db/client.js';
import { sketchArticles } from '../../src/dedup/sketch.js';
import type { NormalizedArticle } from '../../src/processor/normalize.js';
import { storeArticles, type SourceRef, type StoreOptions, type StoreResult } from '../../src/storage/articles.js';
import type { TopicMatcher } from '../../src/topics/match.js';

/** Stores normalized items as the worker does: sketched first. */
export const storeNormalized = (
  db: Db,
  source: SourceRef,
  items: readonly NormalizedArticle[],
  topics: readonly TopicMatcher[],
  options?: StoreOptions,
): Promise<StoreResult> => storeArticles(db, source, sketchArticles(items), topics, options);
