import type { FastifyInstance, FastifyReply } from 'fastify';
import { assertPublicHost } from '../../fetcher/address-guard.js';
import type { AppContext } from '../../worker/context.js';
import { SubscriptionVerifier } from '../websub/hub.js';
import { formFields, parseSubscriptionRequest } from '../../websub/request.js';
import { findSubscription, hubFull } from '../../websub/store.js';
import { topicTarget } from '../websub/topic.js';
import { baseUrlOf } from '../base-url.js';

const plain = (reply: FastifyReply, status: number, message: string) =>
  reply.code(status).type('text/plain; charset=utf-8').send(`${message}\n`);

/**
 * The hub (WebSub §5.1): form-encoded subscribe/unsubscribe requests for this service's own feeds. A valid request is
 * answered 202 and its intent verified in the background; only verified subscriptions are stored.
 */
export function registerWebSubRoutes(app: FastifyInstance, ctx: () => AppContext): void {
  const verifier = new SubscriptionVerifier();
  app.addHook('onClose', () => verifier.idle());
  app.register(async (scope) => {
    // Requests are a few short parameters; a big body is someone else's.
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 16 * 1024 },
      (_request, body, done) => {
        done(null, formFields(body as string));
      },
    );
    scope.post('/websub', async (request, reply) => {
      const current = ctx();
      const { config, database } = current;
      const { websub, hub } = config.output;
      if (!websub.enabled) return plain(reply, 404, 'Push delivery (WebSub) is off on this service');
      if (hub) return plain(reply, 404, `This service publishes through the hub ${hub}`);
      const form = /^application\/x-www-form-urlencoded\s*(;|$)/i.test(request.headers['content-type'] ?? '');
      if (!form || !request.body || typeof request.body !== 'object')
        return plain(reply, 415, 'Send the request as application/x-www-form-urlencoded');
      const parsed = parseSubscriptionRequest(request.body as Record<string, unknown>);
      if (!parsed.ok) return plain(reply, 400, parsed.message);
      const subscription = parsed.request;
      const baseUrl = baseUrlOf(request, config.output);
      const topic = topicTarget(subscription.topic, baseUrl, config);
      if (!topic.ok) return plain(reply, 400, topic.message);
      if (!websub.allowPrivateCallbacks) {
        try {
          assertPublicHost(new URL(subscription.callback));
        } catch {
          return plain(
            reply,
            400,
            'hub.callback is a loopback, private or link-local address, which this hub does not contact',
          );
        }
      }
      // Before any database work: a flood of requests costs the hub no more than this check.
      const busy = verifier.refusal(subscription.callback);
      if (busy) return plain(reply.header('retry-after', '60'), 429, busy);
      if (
        subscription.mode === 'subscribe' &&
        !(await findSubscription(database.db, subscription.callback, subscription.topic))
      ) {
        // Each distinct feed is rendered at every change: a stranger must not multiply that work with q=… variants.
        const full = await hubFull(database.db, topic.canonical, subscription.callback, websub);
        if (full) return plain(reply, 503, full);
        // Asked again: others may have been accepted while the database answered.
        const late = verifier.refusal(subscription.callback);
        if (late) return plain(reply.header('retry-after', '60'), 429, late);
      }
      verifier.accept(current, { request: subscription, target: topic.target, feedUrl: topic.canonical, baseUrl });
      return plain(reply, 202, 'Accepted: verification of intent follows');
    });
  });
}
