import type { FastifyInstance } from 'fastify';
import { count, gt } from 'drizzle-orm';
import { sources } from '../../db/schema.js';
import { metrics } from '../../metrics/registry.js';
import type { AppContext } from '../../worker/context.js';

/** Prometheus text format; HTTP requests are counted by route pattern, never by raw URL. */
export function registerMetrics(app: FastifyInstance, ctx: () => AppContext): void {
  app.addHook('onResponse', async (request, reply) => {
    metrics.httpRequests.inc({ route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) });
  });
  app.get('/metrics', async (_request, reply) => {
    try {
      const [row] = await ctx().database.db.select({ value: count() }).from(sources).where(gt(sources.consecutiveFailures, 0));
      metrics.sourcesFailing.set(Number(row?.value ?? 0));
    } catch {
      // The database being down must not hide the rest of the metrics.
    }
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}
