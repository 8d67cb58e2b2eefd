import type { FastifyInstance } from 'fastify';
import { sql } from 'drizzle-orm';
import type { AppContext } from '../../worker/context.js';

export function registerHealthRoutes(app: FastifyInstance, ctx: () => AppContext): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    try {
      await ctx().database.db.execute(sql`select 1 from stories limit 1`);
      return { status: 'ready' };
    } catch (err) {
      return reply.code(503).header('retry-after', '5').send({ status: 'unavailable', error: (err as Error).message });
    }
  });
}
