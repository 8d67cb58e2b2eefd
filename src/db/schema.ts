import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import type { Enclosure } from '../types/feed.js';

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });
const bytea = customType<{ data: Uint8Array }>({ dataType: () => 'bytea' });
const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** One row per source in the YAML file (kept after removal so its articles keep their outlet). */
export const sources = pgTable(
  'sources',
  {
    id: text('id').primaryKey(),
    url: text('url').notNull(),
    name: text('name'),
    tags: text('tags')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    enabled: boolean('enabled').notNull().default(true),
    inConfig: boolean('in_config').notNull().default(true),
    configHash: text('config_hash').notNull().default(''),
    // What the fetcher learned: the feed's own title and site, where it now lives, how to ask conditionally.
    feedTitle: text('feed_title'),
    siteUrl: text('site_url'),
    currentUrl: text('current_url'),
    etag: text('etag'),
    lastModified: text('last_modified'),
    // Health.
    lastAttemptAt: ts('last_attempt_at'),
    lastSuccessAt: ts('last_success_at'),
    lastStatus: integer('last_status'),
    lastError: text('last_error'),
    lastDurationMs: integer('last_duration_ms'),
    consecutiveFailures: integer('consecutive_failures').notNull().default(0),
    gone: boolean('gone').notNull().default(false),
    itemsSeen: integer('items_seen').notNull().default(0),
    /** What the last successful fetch left out to stay within the limits (items, field sizes), for the operator. */
    notice: text('notice'),
    // Scheduling: due time and a lease so several workers never fetch one source at once.
    nextFetchAt: ts('next_fetch_at').notNull().defaultNow(),
    leaseOwner: text('lease_owner'),
    leaseUntil: ts('lease_until'),
    // The host (with port) requests go to: the per-host limit counts leases by it, across all workers.
    host: text('host').generatedAlwaysAs(
      sql`lower(substring(coalesce(current_url, url) from '^[A-Za-z][A-Za-z0-9+.-]*://(?:[^@/?#]*@)?([^/?#]+)'))`,
    ),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('sources_due_idx').on(t.nextFetchAt), index('sources_host_lease_idx').on(t.host, t.leaseUntil)],
);

/** A story is what readers see: one report, carried by one or more articles. */
export const stories = pgTable(
  'stories',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    uid: text('uid').notNull(),
    title: text('title').notNull(),
    link: text('link'),
    leadArticleId: bigint('lead_article_id', { mode: 'number' }),
    publishedAt: ts('published_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
    articleCount: integer('article_count').notNull().default(1),
  },
  (t) => [
    uniqueIndex('stories_uid_idx').on(t.uid),
    // Ascending on purpose: scanned backwards it serves ORDER BY … DESC (NULLS FIRST); a DESC index is built
    // NULLS LAST by drizzle and would not match, leaving the newest-first query to a full scan.
    index('stories_published_idx').on(t.publishedAt, t.id),
    // Top stories: the most-carried recently active stories first. article_count bounds the outlets a story can have in
    // any window and updated_at its newest report, so the ranking reads candidates in this order and stops early.
    index('stories_coverage_idx').on(t.articleCount, t.updatedAt, t.id),
  ],
);

/**
 * A story's text search vector (its lead's title and text), in a table of its own: a story row changes with every
 * copy that joins it, and with the vector on it each change rewrote the vector's ~200 GIN entries (5,500 count updates:
 * 0.7–0.8 s with the index, 0.06 s without). Stored uncompressed: pglz cost 0.5 s per 15,000 vectors and saved nothing.
 */
export const storySearch = pgTable(
  'story_search',
  {
    storyId: bigint('story_id', { mode: 'number' })
      .primaryKey()
      .references(() => stories.id, { onDelete: 'cascade' }),
    search: tsvector('search').notNull(),
  },
  (t) => [index('story_search_idx').using('gin', t.search)],
);

export type { Enclosure };

/** One item of one source, normalized. */
export const articles = pgTable(
  'articles',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    sourceId: text('source_id')
      .notNull()
      .references(() => sources.id, { onDelete: 'cascade' }),
    guid: text('guid').notNull(),
    url: text('url'),
    canonicalUrl: text('canonical_url'),
    title: text('title').notNull(),
    author: text('author'),
    summaryHtml: text('summary_html'),
    contentHtml: text('content_html'),
    text: text('text').notNull().default(''),
    categories: text('categories')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    enclosures: jsonb('enclosures').$type<Enclosure[]>().notNull().default([]),
    publishedAt: ts('published_at').notNull(),
    updatedAt: ts('updated_at'),
    firstSeenAt: ts('first_seen_at').notNull().defaultNow(),
    changedAt: ts('changed_at').notNull().defaultNow(),
    contentHash: text('content_hash').notNull(),
    fingerprint: text('fingerprint').notNull(),
    /** Sorted 32-bit shingle hashes of title and text, little-endian (dedup/shingles.ts): verification reads this instead
     * of re-deriving it from the text. Null for articles stored before it existed. */
    sketch: bytea('sketch'),
    storyId: bigint('story_id', { mode: 'number' }).references(() => stories.id, { onDelete: 'set null' }),
  },
  (t) => [
    uniqueIndex('articles_source_guid_idx').on(t.sourceId, t.guid),
    index('articles_canonical_url_idx').on(t.canonicalUrl),
    index('articles_content_hash_idx').on(t.contentHash),
    index('articles_story_idx').on(t.storyId),
    index('articles_published_idx').on(t.publishedAt),
    // Newest-first per source: retention's "keep the newest N" and per-source listings.
    index('articles_source_published_idx').on(t.sourceId, t.publishedAt, t.id),
  ],
);

/**
 * Locality-sensitive keys of an article's shingles: equal keys make near-duplicate candidates. No foreign key: its
 * check, one lookup per inserted row (~20 an article), was 80 % of the insert. A statement trigger on `articles`
 * (migration 0008) deletes the keys of deleted articles instead, whatever deleted them.
 */
export const articleBands = pgTable(
  'article_bands',
  {
    band: bigint('band', { mode: 'bigint' }).notNull(),
    articleId: bigint('article_id', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.band, t.articleId] }), index('article_bands_article_idx').on(t.articleId)],
);

export const topics = pgTable('topics', {
  id: text('id').primaryKey(),
  title: text('title').notNull(),
  definitionHash: text('definition_hash').notNull(),
  evaluatedHash: text('evaluated_hash'),
});

export const storyTopics = pgTable(
  'story_topics',
  {
    topicId: text('topic_id')
      .notNull()
      .references(() => topics.id, { onDelete: 'cascade' }),
    storyId: bigint('story_id', { mode: 'number' })
      .notNull()
      .references(() => stories.id, { onDelete: 'cascade' }),
    publishedAt: ts('published_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.topicId, t.storyId] }),
    index('story_topics_feed_idx').on(t.topicId, t.publishedAt, t.storyId),
    index('story_topics_story_idx').on(t.storyId),
  ],
);

/** Small key/value facts shared by all processes (e.g. when the data last changed). */
export const meta = pgTable('meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

/**
 * WebSub subscribers of Tributary's own hub (verified subscriptions only; a request waiting for verification of intent
 * is not stored). The row is also the delivery queue: `pendingDigest` set means the feed changed since the last
 * delivery and is to be sent at `nextAttemptAt`; `claimUntil` keeps two worker processes from sending it twice.
 */
export const websubSubscriptions = pgTable(
  'websub_subscriptions',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    callback: text('callback').notNull(),
    /** hub.topic as the subscriber gave it (echoed back in verifications). */
    topic: text('topic').notNull(),
    /** The same feed in its canonical spelling: subscriptions to one feed are rendered once. */
    feedUrl: text('feed_url').notNull(),
    /** The base URL the feed's links are written under. */
    baseUrl: text('base_url').notNull(),
    secret: text('secret'),
    leaseSeconds: integer('lease_seconds').notNull(),
    expiresAt: ts('expires_at').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    verifiedAt: ts('verified_at').notNull().defaultNow(),
    /** SHA-256 of the feed body last delivered (or current when the subscription was verified). */
    deliveredDigest: text('delivered_digest'),
    pendingDigest: text('pending_digest'),
    attempts: integer('attempts').notNull().default(0),
    /** Deliveries given up in a row, across changes and restarts: a dead callback is dropped at delivery.dropAfter. */
    failedDeliveries: integer('failed_deliveries').notNull().default(0),
    nextAttemptAt: ts('next_attempt_at'),
    claimUntil: ts('claim_until'),
    lastDeliveredAt: ts('last_delivered_at'),
    lastError: text('last_error'),
  },
  (t) => [
    uniqueIndex('websub_subscriptions_callback_topic_idx').on(t.callback, t.topic),
    index('websub_subscriptions_feed_idx').on(t.feedUrl),
    index('websub_subscriptions_due_idx').on(t.nextAttemptAt),
    index('websub_subscriptions_expires_idx').on(t.expiresAt),
  ],
);

/**
 * Tributary's own subscriptions to the hubs sources advertise: one per source. `requested` until the hub verifies
 * intent at /websub/callback/{source}, then `active` until `expiresAt`; polling is relaxed only while active.
 */
export const websubSourceSubscriptions = pgTable('websub_source_subscriptions', {
  sourceId: text('source_id')
    .primaryKey()
    .references(() => sources.id, { onDelete: 'cascade' }),
  hub: text('hub').notNull(),
  topic: text('topic').notNull(),
  /** Ours, random per subscription: pushed content must carry its HMAC. */
  secret: text('secret').notNull(),
  state: text('state').$type<'requested' | 'active' | 'denied'>().notNull(),
  requestedAt: ts('requested_at').notNull().defaultNow(),
  /** The lease the hub granted when it verified; it is renewed when a fifth of it is left. */
  leaseSeconds: integer('lease_seconds'),
  expiresAt: ts('expires_at'),
  lastPushAt: ts('last_push_at'),
  lastError: text('last_error'),
});

/**
 * What happened to a story after it was first reported, for its timeline: another outlet carried it ('outlet'), or its
 * lead outlet changed the headline ('title'). Recorded by ingest (src/storage/timeline.ts); `at` is when Tributary saw it.
 */
export const storyEvents = pgTable(
  'story_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    storyId: bigint('story_id', { mode: 'number' })
      .notNull()
      .references(() => stories.id, { onDelete: 'cascade' }),
    at: ts('at').notNull(),
    kind: text('kind', { enum: ['outlet', 'title'] }).notNull(),
    // No foreign key: a removed source's events stay part of the story's history (sources rows are kept anyway).
    sourceId: text('source_id').notNull(),
    oldTitle: text('old_title'),
    newTitle: text('new_title'),
  },
  (t) => [index('story_events_story_idx').on(t.storyId, t.at)],
);
