import type { FastifyInstance } from 'fastify';
import { listSources, sourceStatus } from '../../storage/sources.js';
import { queryStories } from '../../storage/stories.js';
import type { AppContext } from '../../worker/context.js';
import { baseUrlOf } from '../base-url.js';
import { STATUS_PAGE_CSP, renderStatusPage } from '../render/status-page.js';

export function registerStatusPage(app: FastifyInstance, ctx: () => AppContext): void {
  app.get('/', async (request, reply) => {
    const { config, database } = ctx();
    const [stories, sourceRows] = await Promise.all([
      queryStories(database.db, { limit: 20 }),
      listSources(database.db),
    ]);
    const html = renderStatusPage({
      title: config.output.title,
      description: config.output.description,
      baseUrl: baseUrlOf(request, config.output),
      topics: config.topics,
      stories,
      sources: sourceRows.map((s) => ({ ...s, status: sourceStatus(s) })),
    });
    return reply.header('content-security-policy', STATUS_PAGE_CSP).type('text/html; charset=utf-8').send(html);
  });
}
