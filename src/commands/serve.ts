import { bootstrap, refreshTopics } from '../bootstrap.js';
import { readEnv } from '../env.js';
import { buildServer } from '../http/server.js';
import { startScheduler, type Scheduler } from '../worker/scheduler.js';

export interface ServeOptions {
  web: boolean;
  worker: boolean;
}

/** serve = worker + web; `worker` and `web` run one half each for scale-out. */
export async function serveCommand(options: ServeOptions): Promise<number> {
  const env = readEnv();
  const ctx = await bootstrap();
  const current = () => ctx;
  const log = ctx.log;
  log.info({ database: ctx.database.kind, sources: ctx.config.sources.length, topics: ctx.config.topics.length }, 'starting');
  const topicsReady = refreshTopics(ctx).catch((err: Error) => log.error({ err: err.message }, 'topic evaluation failed'));

  let scheduler: Scheduler | undefined;
  if (options.worker) scheduler = startScheduler(current);
  const server = options.web ? buildServer(current) : undefined;
  if (server) {
    await server.listen({ port: env.port, host: env.host });
    log.info({ url: `http://${env.host === '0.0.0.0' ? 'localhost' : env.host}:${env.port}/` }, 'listening');
  }

  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) {
        log.warn({ signal }, 'second signal: exiting now');
        process.exit(1);
      }
      stopping = true;
      log.info({ signal }, 'shutting down');
      resolve();
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
  });
  await scheduler?.stop();
  await server?.close();
  await topicsReady;
  await ctx.database.close();
  log.info('stopped');
  return 0;
}
