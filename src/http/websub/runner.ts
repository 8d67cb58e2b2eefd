import { setTimeout as sleep } from 'node:timers/promises';
import type { LookupFunction } from 'node:net';
import { databaseErrorMessage } from '../../db/errors.js';
import { formatUrls, renderFeedTarget, type FeedTarget } from '../feed-render.js';
import type { FeedFormat } from '../render/document.js';
import { CONTENT_TYPES } from '../render/feed.js';
import { metrics } from '../../metrics/registry.js';
import { readDataVersion } from '../../storage/data-version.js';
import type { AppContext } from '../../worker/context.js';
import { feedDigest } from '../../websub/digest.js';
import { hubUrlFor, websubLinkHeader } from '../../websub/links.js';
import { postTo } from '../../websub/post.js';
import { claimPublish, notifyHub } from '../../websub/publish.js';
import { retryDelay } from '../../websub/retry.js';
import { signBody } from '../../websub/signature.js';
import {
  claimDueDeliveries,
  countLiveSubscriptions,
  deleteSubscriptionById,
  markFeedChanged,
  purgeExpired,
  recordDelivered,
  recordFailedDelivery,
  subscribedFeeds,
  type SubscriptionRow,
} from '../../websub/store.js';
import { topicTarget } from './topic.js';

export interface WebSubRunner {
  /** Look for changes and due deliveries now instead of at the next tick. */
  poke(): void;
  /** Resolves once no tick, delivery or notification is in flight. */
  idle(): Promise<void>;
  /** Stops ticking, abandons waits between retries and lets requests in flight end (each within its timeout). */
  stop(): Promise<void>;
}

export interface RunnerOptions {
  /** How often the data version is read and due deliveries are claimed. */
  intervalMs?: number;
  /** For tests: the guarded DNS lookup used for callbacks. */
  lookup?: LookupFunction;
}

const PURGE_EVERY_MS = 60_000;

interface Rendered {
  body: Buffer[];
  digest: string;
}

/**
 * Push delivery, run next to the scheduler in every process that runs passes (`serve`, `worker`). Every tick it reads
 * the data version, which a pass bumps whenever it adds or updates articles; when that (or the configuration) changed,
 * it renders each subscribed feed and queues a delivery to the subscribers whose last delivered body differs. Queued
 * deliveries live in websub_subscriptions and are claimed there, so several workers share them and none is sent twice.
 * With output.hub set it notifies that hub instead, once per changed feed.
 */
export function startWebSub(ctx: () => AppContext, options: RunnerOptions = {}): WebSubRunner {
  const intervalMs = options.intervalMs ?? 2000;
  const stopping = new AbortController();
  const inFlight = new Set<Promise<void>>();
  let ticking: Promise<void> | undefined;
  let again = false;
  let seenVersion: number | undefined;
  let seenConfig: object | undefined;
  let lastPurge = 0;
  // Feeds rendered for the current data version and config: detection renders them, deliveries reuse them.
  let rendered = new Map<string, Rendered>();

  const track = (work: Promise<void>) => {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  };

  async function render(current: AppContext, feedUrl: string, target: FeedTarget, baseUrl: string): Promise<Rendered> {
    let entry = rendered.get(feedUrl);
    if (!entry) {
      const body = await renderFeedTarget(current.database.db, current.config, target, baseUrl);
      entry = { body, digest: feedDigest(body) };
      rendered.set(feedUrl, entry);
    }
    return entry;
  }

  async function detectLocal(current: AppContext): Promise<void> {
    const { database, config } = current;
    for (const { feedUrl, baseUrl } of await subscribedFeeds(database.db)) {
      const topic = topicTarget(feedUrl, baseUrl, config);
      if (!topic.ok) continue; // its topic left the configuration; deliveries to it are given up below
      const { digest } = await render(current, feedUrl, topic.target, baseUrl);
      await markFeedChanged(database.db, feedUrl, digest);
    }
  }

  async function detectExternal(current: AppContext, hub: string): Promise<void> {
    const { database, config } = current;
    const baseUrl = config.output.baseUrl!; // the schema requires it with output.hub
    const params = new URLSearchParams();
    for (const name of ['all', ...config.topics.map((t) => t.id)]) {
      const target: FeedTarget = { name, format: 'rss', query: { limit: config.output.limit }, params };
      const body = await renderFeedTarget(database.db, config, target, baseUrl);
      if (!(await claimPublish(database.db, name, feedDigest(body)))) continue;
      const urls = formatUrls(baseUrl, name, params);
      for (const format of ['rss', 'atom', 'json'] as const) track(publish(current, hub, urls[format]));
    }
  }

  async function publish(current: AppContext, hub: string, topic: string): Promise<void> {
    const { delivery } = current.config.output.websub;
    for (let failures = 0; ;) {
      try {
        await notifyHub(hub, topic, { timeoutMs: delivery.timeout, userAgent: current.config.defaults.userAgent });
        metrics.websubPublishes.inc({ outcome: 'ok' });
        return;
      } catch (err) {
        failures++;
        const wait = retryDelay(failures, delivery);
        metrics.websubPublishes.inc({ outcome: wait === undefined ? 'gave_up' : 'failed' });
        current.log.warn(
          { hub, topic, err: (err as Error).message, retryInMs: wait },
          'websub: could not notify the hub',
        );
        if (wait === undefined) return;
        // Waits between retries end at shutdown: the hub is told at the next change instead.
        if (await sleep(wait, false, { signal: stopping.signal }).catch(() => true)) return;
      }
    }
  }

  async function deliver(current: AppContext, row: SubscriptionRow): Promise<void> {
    const { config, database, log } = current;
    const { websub } = config.output;
    const about = { callback: row.callback, topic: row.topic };
    const topic = topicTarget(row.feedUrl, row.baseUrl, config);
    if (!topic.ok) {
      await recordFailedDelivery(database.db, row.id, row.attempts + 1, undefined, 'the feed no longer exists');
      metrics.websubDeliveries.inc({ outcome: 'gave_up' });
      return;
    }
    const { body, digest } = await render(current, row.feedUrl, topic.target, row.baseUrl);
    const format: FeedFormat = topic.target.format;
    const headers: Record<string, string> = {
      'content-type': CONTENT_TYPES[format],
      link: websubLinkHeader(hubUrlFor(config.output, row.baseUrl) ?? `${row.baseUrl}/websub`, row.topic),
      'user-agent': config.defaults.userAgent,
    };
    if (row.secret) headers['x-hub-signature'] = signBody(row.secret, body);
    let failure: string;
    try {
      const status = await postTo(row.callback, {
        body,
        headers,
        timeoutMs: websub.delivery.timeout,
        allowPrivate: websub.allowPrivateCallbacks,
        lookup: options.lookup,
      });
      if (status >= 200 && status < 300) {
        await recordDelivered(database.db, row.id, row.pendingDigest ?? digest, digest);
        metrics.websubDeliveries.inc({ outcome: 'delivered' });
        return;
      }
      if (status === 410) {
        // §7: a subscriber that answers 410 Gone has ended the subscription.
        await deleteSubscriptionById(database.db, row.id);
        metrics.websubDeliveries.inc({ outcome: 'gone' });
        log.info(about, 'websub: the callback is gone; subscription removed');
        return;
      }
      failure = `the callback answered HTTP ${status}`;
    } catch (err) {
      failure = (err as Error).message;
    }
    const attempts = row.attempts + 1;
    const wait = retryDelay(attempts, websub.delivery);
    await recordFailedDelivery(database.db, row.id, attempts, wait, failure);
    metrics.websubDeliveries.inc({ outcome: wait === undefined ? 'gave_up' : 'failed' });
    log.warn(
      { ...about, err: failure, attempts, retryInMs: wait },
      wait === undefined ? 'websub: delivery given up' : 'websub: delivery failed',
    );
  }

  async function tick(): Promise<void> {
    const current = ctx();
    const { config, database } = current;
    const { websub, hub } = config.output;
    if (!websub.enabled) return;
    const version = await readDataVersion(database.db);
    if (version !== seenVersion || config !== seenConfig) {
      rendered = new Map();
      if (hub) await detectExternal(current, hub);
      else await detectLocal(current);
      // Only once every feed was looked at: a failure above means looking again next tick.
      seenVersion = version;
      seenConfig = config;
    }
    if (hub) return;
    if (Date.now() - lastPurge >= PURGE_EVERY_MS) {
      await purgeExpired(database.db);
      metrics.websubSubscriptions.set(await countLiveSubscriptions(database.db));
      lastPurge = Date.now();
    }
    const free = websub.delivery.concurrency - inFlight.size;
    // A claim outlives any one attempt: a process that dies mid-delivery leaves it to another once the claim ends.
    const claimMs = websub.delivery.timeout * 2 + 30_000;
    for (const row of await claimDueDeliveries(database.db, free, claimMs)) {
      track(
        deliver(current, row).catch((err: unknown) =>
          current.log.error(
            { err: databaseErrorMessage(err), callback: row.callback },
            'websub: delivery not recorded; retried when its claim ends',
          ),
        ),
      );
    }
  }

  const run = (): void => {
    if (stopping.signal.aborted) return;
    if (ticking) {
      again = true;
      return;
    }
    ticking = tick()
      .catch((err: unknown) => ctx().log.warn({ err: databaseErrorMessage(err) }, 'websub: tick failed; trying again'))
      .finally(() => {
        ticking = undefined;
        if (again) {
          again = false;
          run();
        }
      });
  };
  const timer = setInterval(run, intervalMs);
  setImmediate(run);

  return {
    poke: run,
    async idle() {
      while (ticking || inFlight.size > 0) await Promise.allSettled([ticking, ...inFlight]);
    },
    async stop() {
      stopping.abort();
      clearInterval(timer);
      while (ticking || inFlight.size > 0) await Promise.allSettled([ticking, ...inFlight]);
    },
  };
}
