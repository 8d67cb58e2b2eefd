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
    const { database } = ctx();
    try {
      const [row] = await database.db.select({ value: count() }).from(sources).where(gt(sources.consecutiveFailures, 0));
      metrics.sourcesFailing.set(Number(row?.value ?? 0));
      const pool = await database.poolUse();
      metrics.dbPoolMax.set(pool.max);
      metrics.dbConnections.set({ state: 'active' }, pool.active);
      metrics.dbConnections.set({ state: 'idle' }, pool.open - pool.active);
    } catch {
      // The database being down must not hide the rest of the metrics; its connections are gone.
      metrics.dbConnections.set({ state: 'active' }, 0);
      metrics.dbConnections.set({ state: 'idle' }, 0);
    }
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}
