import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { AppContext } from '../worker/context.js';
import { registerFeedRoutes } from './routes/feeds.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerSourceRoutes } from './routes/sources.js';
import { registerStatusPage } from './routes/status-page.js';

/** The HTTP face: feeds, status page, API and health. `ctx` is a getter so a config reload takes effect at once. */
export function buildServer(ctx: () => AppContext): FastifyInstance {
  const app = Fastify({ loggerInstance: ctx().log.child({ component: 'http' }) as FastifyBaseLogger, disableRequestLogging: true });
  registerHealthRoutes(app, ctx);
  registerFeedRoutes(app, ctx);
  registerSourceRoutes(app, ctx);
  registerStatusPage(app, ctx);
  app.setNotFoundHandler((request, reply) => reply.code(404).type('text/plain; charset=utf-8').send(`Not found: ${request.url}\n`));
  app.setErrorHandler((err: Error & { statusCode?: number }, request, reply) => {
    const status = err.statusCode && err.statusCode < 500 ? err.statusCode : 500;
    if (status >= 500) request.log.error({ err: err.message, url: request.url }, 'request failed');
    return reply.code(status).type('text/plain; charset=utf-8').send(status >= 500 ? 'Internal error\n' : `${err.message}\n`);
  });
  return app;
}
