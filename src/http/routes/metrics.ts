import type { FastifyInstance } from 'fastify';
import { count, gt, sql } from 'drizzle-orm';
import { queryRows } from '../../db/rows.js';
import { sources } from '../../db/schema.js';
import { metrics } from '../../metrics/registry.js';
import type { AppContext } from '../../worker/context.js';
import { countLiveSubscriptions } from '../../websub/store.js';
import { countLiveSourceSubscriptions } from '../../worker/websub-subscriber.js';
import { metricsAccess } from './metrics-access.js';

/** Prometheus text format; HTTP requests are counted by route pattern, never by raw URL. */
export function registerMetrics(app: FastifyInstance, ctx: () => AppContext): void {
  app.addHook('onResponse', async (request, reply) => {
    metrics.httpRequests.inc({ route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) });
  });
  app.get('/metrics', async (request, reply) => {
    const { config, database } = ctx();
    const access = metricsAccess(config.metrics, request.socket.remoteAddress, request.headers.authorization);
    if (!access.ok) {
      if (access.status === 401) reply.header('www-authenticate', 'Bearer realm="metrics"');
      return reply.code(access.status).type('text/plain; charset=utf-8').send(`${access.message}\n`);
    }
    try {
      const [row] = await database.db
        .select({ value: count() })
        .from(sources)
        .where(gt(sources.consecutiveFailures, 0));
      metrics.sourcesFailing.set(Number(row?.value ?? 0));
      // Due sources nobody has claimed yet: a backlog that grows means the workers are not keeping up.
      const [due] = await queryRows<{ waiting: number; oldest: number | null }>(
        database.db,
        sql`
        select count(*)::int as waiting, extract(epoch from now() - min(next_fetch_at))::float8 as oldest from sources
        where in_config and enabled and not gone and next_fetch_at <= now() and (lease_until is null or lease_until <= now())`,
      );
      metrics.sourcesDue.set(Number(due?.waiting ?? 0));
      metrics.schedulerOverdue.set(Math.max(0, Number(due?.oldest ?? 0)));
      metrics.websubSubscriptions.set(await countLiveSubscriptions(database.db));
      metrics.websubSourceSubscriptions.set(await countLiveSourceSubscriptions(database.db));
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
