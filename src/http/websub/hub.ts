import { databaseErrorMessage } from '../../db/errors.js';
import { renderFeedTarget, type FeedTarget } from '../feed-render.js';
import { metrics } from '../../metrics/registry.js';
import type { AppContext } from '../../worker/context.js';
import { Limiter } from '../../util/limiter.js';
import { feedDigest } from '../../websub/digest.js';
import { clampLease } from '../../websub/lease.js';
import type { SubscriptionRequest } from '../../websub/request.js';
import { deleteSubscription, saveSubscription } from '../../websub/store.js';
import { verifyIntent } from '../../websub/verify.js';

/** A request the hub accepted (202) and is about to verify. */
export interface AcceptedRequest {
  request: SubscriptionRequest;
  target: FeedTarget;
  /** The topic's canonical spelling and the base URL its links are written under. */
  feedUrl: string;
  baseUrl: string;
}

// Verifications at once per process, and accepted requests waiting at most, in all and per callback host: beyond that
// the hub answers 429. Each accepted request costs a GET to its callback, so a stranger must not be able to queue many
// (nor crowd out everyone else by naming one victim host many times).
const VERIFYING_AT_ONCE = 4;
export const MAX_WAITING = 200;
export const MAX_WAITING_PER_HOST = 10;

/** Verifies accepted requests in the background, a few at a time, and applies the verified ones to the database. */
export class SubscriptionVerifier {
  private readonly limiter = new Limiter(VERIFYING_AT_ONCE);
  private readonly inFlight = new Set<Promise<void>>();
  private readonly perHost = new Map<string, number>();

  /** Why a request for this callback must wait (429), or undefined when it can be accepted. */
  refusal(callback: string): string | undefined {
    if (this.inFlight.size >= MAX_WAITING) return 'Too many subscription requests waiting for verification';
    if ((this.perHost.get(new URL(callback).hostname) ?? 0) >= MAX_WAITING_PER_HOST) {
      return 'Too many subscription requests for this callback host waiting for verification';
    }
    return undefined;
  }

  accept(ctx: AppContext, accepted: AcceptedRequest): void {
    const host = new URL(accepted.request.callback).hostname;
    this.perHost.set(host, (this.perHost.get(host) ?? 0) + 1);
    const task = this.limiter
      .run(() => this.process(ctx, accepted))
      .catch((err: unknown) =>
        ctx.log.error(
          { err: databaseErrorMessage(err), callback: accepted.request.callback },
          'websub: subscription not applied',
        ),
      )
      .finally(() => {
        this.inFlight.delete(task);
        const left = (this.perHost.get(host) ?? 1) - 1;
        if (left > 0) this.perHost.set(host, left);
        else this.perHost.delete(host);
      });
    this.inFlight.add(task);
  }

  /** Resolves once every accepted request has been verified (or refused). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private async process(ctx: AppContext, { request, target, feedUrl, baseUrl }: AcceptedRequest): Promise<void> {
    const { config, database, log } = ctx;
    const websub = config.output.websub;
    const leaseSeconds = clampLease(request.leaseSeconds, websub.leaseSeconds);
    const verification = await verifyIntent(request, leaseSeconds, {
      timeoutMs: websub.delivery.timeout,
      allowPrivate: websub.allowPrivateCallbacks,
      userAgent: config.defaults.userAgent,
    });
    metrics.websubVerifications.inc({ mode: request.mode, outcome: verification.ok ? 'verified' : 'failed' });
    const about = { mode: request.mode, callback: request.callback, topic: request.topic };
    if (!verification.ok) {
      log.warn({ ...about, reason: verification.reason }, 'websub: verification of intent failed');
      return;
    }
    if (request.mode === 'unsubscribe') {
      await deleteSubscription(database.db, request.callback, request.topic);
      log.info(about, 'websub: unsubscribed');
      return;
    }
    // What the subscriber can fetch now counts as delivered: it is sent the feed again when that changes.
    const digest = feedDigest(await renderFeedTarget(database.db, config, target, baseUrl));
    const saved = await saveSubscription(
      database.db,
      {
        callback: request.callback,
        topic: request.topic,
        feedUrl,
        baseUrl,
        secret: request.secret,
        leaseSeconds,
        digest,
      },
      websub,
    );
    if (saved) log.info({ ...about, leaseSeconds }, 'websub: subscribed');
    else
      log.warn(
        {
          ...about,
          maxSubscriptions: websub.maxSubscriptions,
          maxPerCallbackHost: websub.maxPerCallbackHost,
          maxFeeds: websub.maxFeeds,
        },
        'websub: subscription refused: the hub is full',
      );
  }
}
