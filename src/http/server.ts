import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { databaseErrorMessage } from '../db/errors.js';
import { isDatabaseUnavailable } from '../db/unavailable.js';
import type { AppContext } from '../worker/context.js';
import { readDataVersion } from '../storage/data-version.js';
import { FeedCache } from './feed-cache.js';
import { registerFeedRoutes } from './routes/feeds.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerMetrics } from './routes/metrics.js';
import { registerOpmlRoute } from './routes/opml.js';
import { registerSourceRoutes } from './routes/sources.js';
import { registerStatusPage } from './routes/status-page.js';
import { registerWebSubRoutes } from './routes/websub.js';
import { registerWebSubCallback } from './routes/websub-callback.js';

/** The HTTP face: feeds, status page, API and health. `ctx` is a getter so a config reload takes effect at once. */
export interface ServerOptions {
  /** How long the data version (and so a cached feed) may be trusted without asking the database; 0 in tests. */
  versionTtlMs?: number;
  /** `ops`: only /healthz, /readyz and /metrics, for worker replicas (health checks and Prometheus scrapes). */
  routes?: 'all' | 'ops';
}

export function buildServer(ctx: () => AppContext, options: ServerOptions = {}): FastifyInstance {
  // Per-request lines would drown the fetch log: the HTTP logger reports warnings and errors only.
  const app = Fastify({
    loggerInstance: ctx().log.child({ component: 'http' }, { level: 'warn' }) as FastifyBaseLogger,
  });
  // No response is to be read as anything but its declared type (a feed sniffed as HTML would run its text).
  app.addHook('onRequest', async (_request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
  });
  app.setErrorHandler((err: Error & { statusCode?: number }, request, reply) => {
    if (err.statusCode && err.statusCode < 500)
      return reply.code(err.statusCode).type('text/plain; charset=utf-8').send(`${err.message}\n`);
    // An outage is the database's and passes; a query the database refused is a bug, logged as one.
    if (isDatabaseUnavailable(err)) {
      request.log.warn({ err: databaseErrorMessage(err), url: request.url }, 'database unreachable');
      return reply
        .code(503)
        .header('retry-after', '30')
        .type('text/plain; charset=utf-8')
        .send('Temporarily unavailable\n');
    }
    request.log.error({ err: databaseErrorMessage(err), url: request.url }, 'request failed');
    return reply.code(500).type('text/plain; charset=utf-8').send('Internal error\n');
  });
  registerMetrics(app, ctx);
  registerHealthRoutes(app, ctx);
  if (options.routes === 'ops') {
    app.setNotFoundHandler((request, reply) =>
      reply
        .code(404)
        .type('text/plain; charset=utf-8')
        .send(`Not found: ${request.url} (a worker serves only /healthz, /readyz and /metrics)\n`),
    );
    return app;
  }
  // One cache per server; the version is read from the database of the current context, the budget from its config.
  const cache = new FeedCache(
    () => readDataVersion(ctx().database.db),
    () => ctx().config.output.cacheSize,
    options.versionTtlMs ?? 1000,
  );
  registerFeedRoutes(app, ctx, cache);
  registerSourceRoutes(app, ctx);
  registerOpmlRoute(app, ctx);
  registerStatusPage(app, ctx);
  registerWebSubRoutes(app, ctx);
  registerWebSubCallback(app, ctx);
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).type('text/plain; charset=utf-8').send(`Not found: ${request.url}\n`),
  );
  return app;
}
