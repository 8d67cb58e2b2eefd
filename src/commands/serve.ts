import { bootstrap, refreshTopics } from '../bootstrap.js';
import { watchFile } from '../config/watch.js';
import { readEnv } from '../env.js';
import { buildServer } from '../http/server.js';
import { reloadConfig } from '../reload.js';
import type { Scheduler } from '../worker/scheduler.js';
import type { AppContext } from '../worker/context.js';

export interface ServeOptions {
  web: boolean;
  worker: boolean;
}

/** serve = worker + web; `worker` and `web` run one half each for scale-out. */
export async function serveCommand(options: ServeOptions): Promise<number> {
  const env = readEnv();
  // The fetching stack (HTTP client, parsers, sanitizer, dedup) is loaded only where sources are fetched: a `web`
  // process does without it (about 25 MB less RSS). Loaded before anything starts, so startup runs as before.
  const worker = options.worker
    ? {
        scheduler: await import('../worker/scheduler.js'),
        retention: await import('../worker/retention.js'),
        websub: await import('../http/websub/runner.js'),
      }
    : undefined;
  let ctx: AppContext = await bootstrap();
  if (env.leaseSeconds) ctx.leaseMs = env.leaseSeconds * 1000;
  const current = () => ctx;
  const log = ctx.log;
  log.info(
    { database: ctx.database.kind, sources: ctx.config.sources.length, topics: ctx.config.topics.length },
    'starting',
  );
  const background = new Set<Promise<void>>();
  const inBackground = (work: Promise<void>) => {
    background.add(work);
    void work.finally(() => background.delete(work));
  };
  const evaluateTopics = () =>
    inBackground(refreshTopics(ctx).catch((err: Error) => log.error({ err: err.message }, 'topic evaluation failed')));
  evaluateTopics();

  let scheduler: Scheduler | undefined;
  if (worker) scheduler = worker.scheduler.startScheduler(current, env.tickSeconds);
  const retention = worker ? worker.retention.startRetention(current, env.retentionMinutes * 60_000) : undefined;
  // Push delivery runs where passes run: it reacts to the data version they bump.
  const websub = worker ? worker.websub.startWebSub(current) : undefined;
  // A worker still answers health checks and Prometheus scrapes on PORT.
  const server = buildServer(current, { routes: options.web ? 'all' : 'ops' });
  const address = await server.listen({ port: env.port, host: env.host });
  log.info(
    { url: `${address.replace('//0.0.0.0:', '//localhost:')}/`, routes: options.web ? 'all' : 'ops' },
    'listening',
  );

  // One reload at a time; an edit arriving during a reload is picked up by a reload right after.
  let reloading: Promise<void> | undefined;
  let again = false;
  const reload = (): void => {
    if (reloading) {
      again = true;
      return;
    }
    reloading = reloadConfig(ctx)
      .then((result) => {
        if (!result.ok || !result.changed) return;
        ctx = Object.assign(result.ctx, { leaseMs: ctx.leaseMs });
        evaluateTopics();
        scheduler?.poke();
      })
      .catch((err: Error) =>
        log.error({ err: err.message }, 'config reload failed: keeping the last good configuration'),
      )
      .finally(() => {
        reloading = undefined;
        if (again) {
          again = false;
          reload();
        }
      });
  };
  const watcher = watchFile(ctx.configPath, reload, (err) =>
    log.error({ err: err.message, config: ctx.configPath }, 'config watch stopped: edits are picked up on SIGHUP only'),
  );
  process.on('SIGHUP', reload);

  const signal = await new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  log.info({ signal, deadlineSeconds: env.shutdownSeconds }, 'shutting down');
  const exitNow = (second: string) => {
    log.warn({ signal: second }, 'second signal: exiting now');
    process.exit(1);
  };
  process.once('SIGINT', () => exitNow('SIGINT'));
  process.once('SIGTERM', () => exitNow('SIGTERM'));

  watcher.close();
  await retention?.stop();
  await websub?.stop();
  const stopped = await scheduler?.stop(env.shutdownSeconds * 1000);
  if (stopped?.abandoned) log.warn('shutdown deadline reached: fetches in flight were abandoned and will be retried');
  await server.close();
  await reloading;
  await Promise.allSettled(background);
  await ctx.database.close();
  log.info('stopped');
  return 0;
}
