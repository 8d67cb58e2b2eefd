import { z } from 'zod';
import { DEFAULT_MAX_ITEMS } from '../types/feed.js';
import { parseBytes, parseDuration } from './units.js';
import { httpUrlOf } from '../util/url.js';

const slug = z.string().regex(/^[a-z0-9-]+$/, 'must match [a-z0-9-]+ (lower-case letters, digits, dashes)');

function duration(min: number, label: string) {
  return z.union([z.string(), z.number()]).transform((value, ctx) => {
    const ms = parseDuration(value);
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: `not a duration: ${JSON.stringify(value)} (use e.g. 30s, 15m, 1h)` });
      return z.NEVER;
    }
    if (ms < min) {
      ctx.addIssue({ code: 'custom', message: `must be at least ${label}` });
      return z.NEVER;
    }
    return ms;
  });
}

/** The range of windows a top-stories feed may count outlets over (config and the `window` query parameter). */
export const TOP_WINDOW = { min: 6 * 3_600_000, max: 7 * 86_400_000, label: '6h to 7d' } as const;

const topWindow = duration(TOP_WINDOW.min, '6h').refine((ms) => ms <= TOP_WINDOW.max, 'must be at most 7d');

const byteSize = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const bytes = parseBytes(value);
  if (bytes === undefined || bytes < 1024) {
    ctx.addIssue({ code: 'custom', message: `not a size of at least 1KiB: ${JSON.stringify(value)} (use e.g. 10MiB)` });
    return z.NEVER;
  }
  return bytes;
});

const maxItems = z
  .int()
  .min(1)
  .max(1_000_000)
  .describe(
    'items kept from one fetch: the newest, by date where items have one (the rest are left out, and the source says so)',
  );

const httpUrl = z.string().refine((value) => httpUrlOf(value) !== undefined, 'must be an absolute http(s) URL');

/** Where the service is reached: scheme, host and an optional path prefix, nothing else; no trailing slash. */
const baseUrl = httpUrl
  .refine((value) => {
    try {
      const url = new URL(value);
      return !url.search && !url.hash && !url.username && !url.password;
    } catch {
      return true; // httpUrl reports it
    }
  }, 'must be scheme, host and optional path only (no query, fragment or credentials)')
  .transform((value) => new URL(value).href.replace(/\/+$/, ''));

const scrapeSchema = z.strictObject({
  item: z.string().min(1).describe('CSS selector of one item on the page'),
  title: z.string().min(1).describe('selector of the title inside an item'),
  link: z.string().min(1).describe('selector of the link, "sel@attr" reads an attribute'),
  date: z.string().optional(),
  summary: z.string().optional(),
});

export const sourceSchema = z.strictObject({
  id: slug.describe('stable key of the source in the database'),
  url: httpUrl,
  name: z.string().min(1).optional(),
  tags: z.array(z.string().min(1)).default([]),
  interval: duration(60_000, '1m').optional(),
  timeout: duration(1000, '1s').optional(),
  maxBytes: byteSize.optional(),
  maxItems: maxItems.optional(),
  enabled: z.boolean().default(true),
  fullText: z.boolean().default(false),
  selector: z.string().min(1).optional(),
  allowPrivateNetwork: z.boolean().default(false),
  scrape: scrapeSchema.optional(),
});

export const topicSchema = z.strictObject({
  id: slug,
  title: z.string().min(1).optional(),
  description: z.string().optional(),
  include: z.array(z.string().min(1)).default([]),
  exclude: z.array(z.string().min(1)).default([]),
  tags: z.array(z.string().min(1)).optional(),
  sources: z.array(slug).optional(),
});

/** Push delivery (WebSub, https://www.w3.org/TR/websub/): Tributary's own hub at /websub, or output.hub. */
const websubSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('advertise a hub in every feed and push changes to subscribers'),
    leaseSeconds: z
      .strictObject({
        default: z
          .int()
          .min(60)
          .default(10 * 24 * 3600),
        min: z.int().min(60).default(3600),
        max: z
          .int()
          .min(60)
          .default(30 * 24 * 3600),
      })
      .prefault({})
      .refine((l) => l.min <= l.default && l.default <= l.max, 'must have min <= default <= max')
      .describe('subscription lease granted (seconds): a requested hub.lease_seconds is clamped to [min, max]'),
    allowPrivateCallbacks: z
      .boolean()
      .default(false)
      .describe('accept callback URLs on loopback/private addresses (tests, a private network); refused otherwise'),
    maxSubscriptions: z.int().min(1).max(1_000_000).default(10_000).describe('subscriptions the hub keeps at most'),
    maxPerCallbackHost: z
      .int()
      .min(1)
      .max(1_000_000)
      .default(1000)
      .describe('subscriptions at most whose callback is on one host: one stranger cannot fill the hub for everyone'),
    maxFeeds: z
      .int()
      .min(1)
      .max(100_000)
      .default(200)
      .describe('distinct feeds (URL with its query) subscribed at most: each is rendered at every change of the data'),
    delivery: z
      .strictObject({
        retries: z.int().min(0).max(20).default(5).describe('attempts after the first before a delivery is given up'),
        backoff: duration(1000, '1s').default(60_000).describe('wait before the first retry; doubles each time'),
        maxBackoff: duration(1000, '1s').default(6 * 3600_000),
        timeout: duration(1000, '1s').default(10_000).describe('one request to a callback or the external hub'),
        concurrency: z.int().min(1).max(64).default(4).describe('callbacks contacted at once'),
        dropAfter: z
          .int()
          .min(1)
          .max(1000)
          .default(5)
          .describe(
            'deliveries given up in a row (across changes and restarts) after which the subscription is dropped',
          ),
      })
      .prefault({}),
    subscribe: z
      .strictObject({
        enabled: z
          .boolean()
          .default(true)
          .describe(
            'subscribe to the hubs sources advertise (needs a public output.baseUrl, where hubs reach /websub/callback/…)',
          ),
        pollInterval: duration(60_000, '1m')
          .default(3600_000)
          .describe('how often a source is still polled while its hub pushes (never more often than its own interval)'),
        leaseSeconds: z
          .int()
          .min(60)
          .default(7 * 24 * 3600)
          .describe('lease asked of the hub; renewed as it nears its end'),
      })
      .prefault({}),
  })
  .prefault({});

export const configSchema = z
  .strictObject({
    defaults: z
      .strictObject({
        interval: duration(60_000, '1m').default(15 * 60_000),
        timeout: duration(1000, '1s').default(20_000),
        maxBytes: byteSize.default(10 * 1024 * 1024),
        maxItems: maxItems.default(DEFAULT_MAX_ITEMS),
        userAgent: z.string().min(1).default('Tributary/1.0 (+https://github.com/tributary)'),
        concurrency: z.int().min(1).max(256).default(16),
        perHostConcurrency: z.int().min(1).max(32).default(2),
      })
      .prefault({}),
    sources: z.array(sourceSchema).default([]),
    topics: z.array(topicSchema).default([]),
    output: z
      .strictObject({
        title: z.string().min(1).default('Tributary'),
        description: z.string().optional(),
        baseUrl: baseUrl
          .optional()
          .describe(
            'where readers reach the service, for links in feeds and pages; when unset, taken from each request',
          ),
        trustProxy: z
          .boolean()
          .default(false)
          .describe('take the scheme and host from X-Forwarded-Proto/-Host (only behind a proxy that sets them)'),
        limit: z.int().min(1).max(200).default(50),
        cacheSize: byteSize.default(32 * 1024 * 1024).describe('memory for rendered feeds, e.g. 32MiB'),
        hub: httpUrl
          .optional()
          .describe(
            'an external WebSub hub feeds advertise and Tributary notifies (hub.mode=publish) when they change; needs baseUrl',
          ),
        websub: websubSchema.prefault({}),
        top: z
          .strictObject({
            window: topWindow
              .default(24 * 3_600_000)
              .describe(
                'what top-stories feeds count by default: outlets that carried a story within this window, 6h to 7d',
              ),
            limit: z.int().min(1).max(200).default(20).describe('entries in a top-stories feed by default'),
            minOutlets: z
              .int()
              .min(1)
              .max(1000)
              .default(2)
              .describe('stories carried by fewer distinct outlets are left out by default'),
          })
          .prefault({})
          .describe(
            'defaults of /feeds/top.{rss,atom,json} and /feeds/{topic}/top.*; each can be overridden per request',
          ),
      })
      .prefault({}),
    metrics: z
      .strictObject({
        token: z
          .string()
          .min(16, 'must be at least 16 characters')
          .optional()
          .describe('GET /metrics requires "Authorization: Bearer <token>"'),
        loopbackOnly: z
          .boolean()
          .default(false)
          .describe('GET /metrics answers only connections from 127.0.0.1 or ::1'),
      })
      .prefault({}),
    retention: z
      .strictObject({
        maxAgeDays: z.number().positive().optional(),
        maxArticlesPerSource: z.int().positive().optional(),
      })
      .prefault({}),
  })
  .superRefine((config, ctx) => {
    flagDuplicates(
      config.sources.map((s) => s.id),
      ['sources'],
      'source',
      ctx,
    );
    flagDuplicates(
      config.topics.map((t) => t.id),
      ['topics'],
      'topic',
      ctx,
    );
    const known = new Set(config.sources.map((s) => s.id));
    config.topics.forEach((topic, i) =>
      topic.sources?.forEach((id, j) => {
        if (!known.has(id))
          ctx.addIssue({ code: 'custom', path: ['topics', i, 'sources', j], message: `unknown source "${id}"` });
      }),
    );
    if (config.output.hub && !config.output.baseUrl) {
      ctx.addIssue({
        code: 'custom',
        path: ['output', 'hub'],
        message: "needs output.baseUrl: the external hub is told the feeds' public URLs",
      });
    }
    config.topics.forEach((topic, i) => {
      if (topic.id === 'all')
        ctx.addIssue({ code: 'custom', path: ['topics', i, 'id'], message: '"all" is reserved for the merged feed' });
      if (topic.id === 'top')
        ctx.addIssue({
          code: 'custom',
          path: ['topics', i, 'id'],
          message: '"top" is reserved for the top-stories feed',
        });
    });
  });

function flagDuplicates(ids: string[], base: (string | number)[], what: string, ctx: z.RefinementCtx) {
  const seen = new Set<string>();
  ids.forEach((id, i) => {
    if (seen.has(id))
      ctx.addIssue({ code: 'custom', path: [...base, i, 'id'], message: `duplicate ${what} id "${id}"` });
    seen.add(id);
  });
}

export type Config = z.output<typeof configSchema>;
export type SourceConfig = Config['sources'][number];
export type TopicConfig = Config['topics'][number];
export type ScrapeConfig = z.output<typeof scrapeSchema>;
