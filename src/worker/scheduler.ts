import cron from 'node-cron';
import type { AppContext } from './context.js';
import { runPass } from './pass.js';

export interface Scheduler {
  stop(): Promise<void>;
  /** Resolves when the pass in flight (if any) is over. */
  idle(): Promise<void>;
}

/** Every tick, claim and refresh whatever is due; a tick that finds the previous pass still running does nothing. */
export function startScheduler(ctx: () => AppContext, expression = '*/10 * * * * *'): Scheduler {
  let running: Promise<unknown> | undefined;
  const tick = () => {
    if (running) return;
    const current = ctx();
    running = runPass(current)
      .catch((err: Error) => current.log.error({ err: err.message }, 'scheduler pass failed'))
      .finally(() => { running = undefined; });
  };
  const task = cron.schedule(expression, tick, { noOverlap: true });
  setImmediate(tick);
  return {
    async stop() {
      await task.stop();
      await running;
    },
    async idle() {
      await running;
    },
  };
}
