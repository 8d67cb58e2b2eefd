import { eq } from 'drizzle-orm';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { databaseErrorMessage } from '../../db/errors.js';
import { stripForbidden, truncate } from '../../processor/hygiene.js';
import { websubSourceSubscriptions } from '../../db/schema.js';
import { metrics } from '../../metrics/registry.js';
import { effectiveSource, type AppContext } from '../../worker/context.js';
import { verifySignature } from '../../websub/signature.js';
import { isLive, REQUEST_PATIENCE_MS, sourceSubscription } from '../../worker/websub-subscriber.js';

const plain = (reply: FastifyReply, status: number, message: string) =>
  reply.code(status).type('text/plain; charset=utf-8').send(message);

type Query = Record<string, string | string[] | undefined>;
// Source ids are slugs (config schema): anything else in the path is no source, and is not sent to the database (a NUL
// there made it fail with 500).
const SOURCE_ID = /^[a-z0-9-]{1,200}$/;
export const PUSHES_AT_ONCE = 4;
const subscriptionOf = (db: AppContext['database']['db'], sourceId: string) =>
  SOURCE_ID.test(sourceId) ? sourceSubscription(db, sourceId) : Promise.resolve(undefined);
const one = (query: Query, name: string) => (typeof query[name] === 'string' ? query[name] : undefined);

/**
 * Where the hubs of sources reach us (WebSub §5.3, §8): GET verifies our subscription's intent, POST brings content,
 * ingested like a fetch once its X-Hub-Signature matches our secret for that source.
 */
export function registerWebSubCallback(app: FastifyInstance, ctx: () => AppContext): void {
  app.register(async (scope) => {
    // A pushed body is a feed document: the same cap as a fetched one (read when the routes are built).
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: ctx().config.defaults.maxBytes },
      (_request, body, done) => done(null, body),
    );

    scope.get<{ Params: { sourceId: string }; Querystring: Query }>(
      '/websub/callback/:sourceId',
      async (request, reply) => {
        const { database, config } = ctx();
        const query = request.query;
        const mode = one(query, 'hub.mode');
        const topic = one(query, 'hub.topic');
        const challenge = one(query, 'hub.challenge') ?? '';
        const row = await subscriptionOf(database.db, request.params.sourceId);
        const ours = row !== undefined && row.topic === topic;
        // Only a request we sent lately is confirmed: anyone may send this GET, and confirming at any time would let a
        // stranger mark the subscription active (and the source's polling relaxed) with no hub pushing anything.
        const asked = ours && row.state !== 'denied' && Date.now() - row.requestedAt.getTime() < REQUEST_PATIENCE_MS;
        if (mode === 'subscribe' && asked) {
          const lease = Number(one(query, 'hub.lease_seconds'));
          const requested = config.output.websub.subscribe.leaseSeconds;
          // Never longer than we asked for: a huge value would outlive every renewal (or not even be a date).
          const seconds = Number.isSafeInteger(lease) && lease > 0 ? Math.min(lease, requested) : requested;
          await database.db
            .update(websubSourceSubscriptions)
            .set({
              state: 'active',
              leaseSeconds: seconds,
              expiresAt: new Date(Date.now() + seconds * 1000),
              lastError: null,
            })
            .where(eq(websubSourceSubscriptions.sourceId, row.sourceId));
          request.log.info(
            { source: row.sourceId, leaseSeconds: seconds },
            "websub: the source's hub verified our subscription",
          );
          return plain(reply, 200, challenge);
        }
        if (mode === 'unsubscribe') {
          // We confirm an unsubscription only for what we no longer want: no subscription, or a source gone from the config.
          const wanted = ours && config.sources.some((s) => s.id === row.sourceId);
          return wanted ? plain(reply, 404, 'still subscribed') : plain(reply, 200, challenge);
        }
        // Like a verification, a denial is taken only while our request is fresh: otherwise one stranger's GET would end
        // a live subscription (pushes then answered 410). The reason is a stranger's text: stored without control characters.
        if (mode === 'denied' && asked) {
          const reason = truncate(stripForbidden(one(query, 'hub.reason') ?? ''), 500);
          await database.db
            .update(websubSourceSubscriptions)
            .set({ state: 'denied', lastError: `denied by the hub: ${reason}` })
            .where(eq(websubSourceSubscriptions.sourceId, row.sourceId));
          return plain(reply, 200, '');
        }
        return plain(reply, 404, 'no such subscription');
      },
    );

    let pushing = 0;
    scope.post<{ Params: { sourceId: string } }>(
      '/websub/callback/:sourceId',
      {
        // Before the body is read: a push nobody here asked for is refused without its bytes being buffered, and at
        // most PUSHES_AT_ONCE bodies (each up to maxBytes) are read at once; hubs retry a 429.
        onRequest: async (request, reply) => {
          const { config, database } = ctx();
          const { sourceId } = request.params;
          if (!isLive(await subscriptionOf(database.db, sourceId)) || !config.sources.some((s) => s.id === sourceId)) {
            metrics.websubPushes.inc({ outcome: 'unknown' });
            return plain(reply, 410, 'no such subscription');
          }
          if (pushing >= PUSHES_AT_ONCE) {
            metrics.websubPushes.inc({ outcome: 'busy' });
            return plain(reply.header('retry-after', '30'), 429, 'too many pushes at once');
          }
          pushing++;
          // A body that trickles in must not hold its place for ever: it gets as long as one of our deliveries may take.
          const timer = setTimeout(() => request.raw.destroy(), config.output.websub.delivery.timeout);
          reply.raw.once('close', () => {
            pushing--;
            clearTimeout(timer);
          });
          return undefined;
        },
      },
      async (request, reply) => {
        const current = ctx();
        const { config, database } = current;
        const row = await subscriptionOf(database.db, request.params.sourceId);
        const sourceConfig = config.sources.find((s) => s.id === request.params.sourceId);
        // §7/§8: 410 Gone tells the hub to stop pushing what nobody here subscribes to any more.
        if (!row || !sourceConfig || !isLive(row)) {
          metrics.websubPushes.inc({ outcome: 'unknown' });
          return plain(reply, 410, 'no such subscription');
        }
        const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const source = effectiveSource(config, sourceConfig);
        // The route's own limit is defaults.maxBytes; a source with a lower maxBytes gets no more pushed than fetched.
        if (body.length > source.maxBytes) {
          metrics.websubPushes.inc({ outcome: 'too_large' });
          return plain(reply, 413, `pushed content is larger than this source's limit of ${source.maxBytes} bytes`);
        }
        if (!verifySignature(row.secret, body, request.headers['x-hub-signature'] as string | undefined)) {
          // §8: the message is ignored, but its receipt still acknowledged.
          metrics.websubPushes.inc({ outcome: 'bad_signature' });
          request.log.warn(
            { source: row.sourceId },
            'websub: pushed content with a missing or wrong signature ignored',
          );
          return plain(reply, 202, '');
        }
        const { ingestPushed } = await import('../../worker/ingest-pushed.js');
        try {
          const stored = await ingestPushed(current, source, row.topic, body, request.headers['content-type']);
          metrics.websubPushes.inc({ outcome: 'ingested' });
          request.log.info(
            { source: row.sourceId, new: stored.added, updated: stored.updated },
            'websub: pushed content ingested',
          );
        } catch (err) {
          // Already recorded in the source's health and the subscription's last error.
          metrics.websubPushes.inc({ outcome: 'failed' });
          request.log.warn(
            { source: row.sourceId, err: databaseErrorMessage(err) },
            'websub: pushed content could not be ingested; the next poll fetches it',
          );
        }
        return plain(reply, 202, '');
      },
    );
  });
}
