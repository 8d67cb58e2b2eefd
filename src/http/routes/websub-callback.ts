import { eq } from 'drizzle-orm';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { databaseErrorMessage } from '../../db/errors.js';
import { websubSourceSubscriptions } from '../../db/schema.js';
import { metrics } from '../../metrics/registry.js';
import { effectiveSource, type AppContext } from '../../worker/context.js';
import { verifySignature } from '../../websub/signature.js';
import { isLive, sourceSubscription } from '../../worker/websub-subscriber.js';

const plain = (reply: FastifyReply, status: number, message: string) =>
  reply.code(status).type('text/plain; charset=utf-8').send(message);

type Query = Record<string, string | string[] | undefined>;
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
        const row = await sourceSubscription(database.db, request.params.sourceId);
        const ours = row !== undefined && row.topic === topic;
        if (mode === 'subscribe' && ours && row.state !== 'denied') {
          const lease = Number(one(query, 'hub.lease_seconds'));
          const seconds =
            Number.isSafeInteger(lease) && lease > 0 ? lease : config.output.websub.subscribe.leaseSeconds;
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
        if (mode === 'denied' && ours) {
          await database.db
            .update(websubSourceSubscriptions)
            .set({ state: 'denied', lastError: `denied by the hub: ${(one(query, 'hub.reason') ?? '').slice(0, 500)}` })
            .where(eq(websubSourceSubscriptions.sourceId, row.sourceId));
          return plain(reply, 200, '');
        }
        return plain(reply, 404, 'no such subscription');
      },
    );

    scope.post<{ Params: { sourceId: string } }>('/websub/callback/:sourceId', async (request, reply) => {
      const current = ctx();
      const { config, database } = current;
      const row = await sourceSubscription(database.db, request.params.sourceId);
      const sourceConfig = config.sources.find((s) => s.id === request.params.sourceId);
      // §7/§8: 410 Gone tells the hub to stop pushing what nobody here subscribes to any more.
      if (!row || !sourceConfig || !isLive(row)) {
        metrics.websubPushes.inc({ outcome: 'unknown' });
        return plain(reply, 410, 'no such subscription');
      }
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      if (!verifySignature(row.secret, body, request.headers['x-hub-signature'] as string | undefined)) {
        // §8: the message is ignored, but its receipt still acknowledged.
        metrics.websubPushes.inc({ outcome: 'bad_signature' });
        request.log.warn({ source: row.sourceId }, 'websub: pushed content with a missing or wrong signature ignored');
        return plain(reply, 202, '');
      }
      const { ingestPushed } = await import('../../worker/ingest-pushed.js');
      try {
        const stored = await ingestPushed(
          current,
          effectiveSource(config, sourceConfig),
          row.topic,
          body,
          request.headers['content-type'],
        );
        metrics.websubPushes.inc({ outcome: 'ingested' });
        request.log.info(
          { source: row.sourceId, new: stored.added, updated: stored.updated },
          'websub: pushed content ingested',
        );
      } catch (err) {
        metrics.websubPushes.inc({ outcome: 'failed' });
        const message = databaseErrorMessage(err);
        request.log.warn(
          { source: row.sourceId, err: message },
          'websub: pushed content could not be ingested; the next poll fetches it',
        );
        await database.db
          .update(websubSourceSubscriptions)
          .set({ lastError: `pushed content: ${message.slice(0, 500)}` })
          .where(eq(websubSourceSubscriptions.sourceId, row.sourceId))
          .catch(() => {});
      }
      return plain(reply, 202, '');
    });
  });
}
