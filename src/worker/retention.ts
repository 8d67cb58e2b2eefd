import { databaseErrorMessage } from '../db/errors.js';
import { metrics } from '../metrics/registry.js';
import { pruneArticles, type Pruned } from '../storage/retention.js';
import type { AppContext } from './context.js';

/** One retention run with the current config; a failure is logged and retried at the next run, never thrown. */
export async function runRetention(ctx: AppContext): Promise<Pruned | undefined> {
  const policy = ctx.config.retention;
  if (policy.maxAgeDays === undefined && policy.maxArticlesPerSource === undefined) return { articles: 0, stories: 0 };
  try {
    const pruned = await pruneArticles(ctx.database.db, policy);
    metrics.articlesPruned.inc(pruned.articles);
    if (pruned.articles > 0) ctx.log.info({ ...pruned, policy }, 'retention pruned articles');
    return pruned;
  } catch (err) {
    ctx.log.error({ err: databaseErrorMessage(err) }, 'retention failed');
    return undefined;
  }
}

/** Runs retention a minute after start, then every `everyMs`; stop() waits for a run in progress. */
export function startRetention(ctx: () => AppContext, everyMs: number): { stop(): Promise<void> } {
  let running: Promise<unknown> | undefined;
  const run = () => {
    running ??= runRetention(ctx()).finally(() => {
      running = undefined;
    });
  };
  const first = setTimeout(run, Math.min(60_000, everyMs));
  const timer = setInterval(run, everyMs);
  first.unref();
  timer.unref();
  return {
    async stop() {
      clearTimeout(first);
      clearInterval(timer);
      await running;
    },
  };
}
