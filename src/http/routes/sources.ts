import type { FastifyInstance } from 'fastify';
import { listSources, sourceStatus } from '../../storage/sources.js';
import type { AppContext } from '../../worker/context.js';
import { errorCategory } from '../error-category.js';
import { pushStates } from '../../worker/websub-subscriber.js';

export function registerSourceRoutes(app: FastifyInstance, ctx: () => AppContext): void {
  app.get('/api/sources', async () => {
    const { db } = ctx().database;
    const rows = await listSources(db);
    const push = await pushStates(db);
    return rows.map((s) => ({
      id: s.id,
      name: s.name ?? s.feedTitle,
      url: s.url,
      currentUrl: s.currentUrl,
      tags: s.tags,
      enabled: s.enabled,
      inConfig: s.inConfig,
      status: sourceStatus(s),
      lastAttemptAt: s.lastAttemptAt,
      lastSuccessAt: s.lastSuccessAt,
      lastStatus: s.lastStatus,
      // A category only ("connection refused", "HTTP 404"): the message itself stays in logs and `tributary sources`.
      lastError: errorCategory(s.lastError, s.lastStatus),
      // What the last fetch left out to stay within the limits: written by Tributary from counts, safe to show.
      notice: s.notice,
      consecutiveFailures: s.consecutiveFailures,
      nextFetchAt: s.nextFetchAt,
      itemsSeen: s.itemsSeen,
      articleCount: s.articleCount,
      // WebSub: the source's hub pushes to us while this is active (requested, active, expired or denied).
      push: push.get(s.id) ?? null,
    }));
  });
}
