import type { FastifyInstance } from 'fastify';
import { renderOpml, sourcesForOpml } from '../../opml/export.js';
import { listSources } from '../../storage/sources.js';
import type { AppContext } from '../../worker/context.js';

export function registerOpmlRoute(app: FastifyInstance, ctx: () => AppContext): void {
  app.get('/opml', async (_request, reply) => {
    const { config, database } = ctx();
    const rows = new Map((await listSources(database.db)).map((s) => [s.id, s]));
    return reply
      .type('text/x-opml; charset=utf-8')
      .header('content-disposition', 'inline; filename="tributary.opml"')
      .send(renderOpml(config.output.title, sourcesForOpml(config, rows)));
  });
}
