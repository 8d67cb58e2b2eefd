import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import cron from 'node-cron';
import { databaseErrorMessage } from '../db/errors.js';
import { releaseLeases } from './claim.js';
import type { AppContext } from './context.js';
import { runPass } from './pass.js';

export interface Scheduler {
  /**
   * Stops claiming, lets sources in flight finish for up to `deadlineMs`, then abandons their requests (a store already
   * under way still commits or rolls back as a whole) and gives back this worker's leases.
   */
  stop(deadlineMs?: number): Promise<{ abandoned: boolean }>;
  /** Resolves when the pass in flight (if any) is over. */
  idle(): Promise<void>;
  /** Looks for due sources now instead of at the next tick (after a config reload). */
  poke(): void;
}

/** node-cron with seconds: every `tickSeconds` (1–59), claim and refresh whatever is due. */
export function cronEvery(tickSeconds: number): string {
  if (!Number.isInteger(tickSeconds) || tickSeconds < 1 || tickSeconds > 59)
    throw new Error(`tick must be 1–59 seconds, got ${tickSeconds}`);
  return tickSeconds === 1 ? '* * * * * *' : `*/${tickSeconds} * * * * *`;
}

/** Every tick, claim and refresh whatever is due; a tick that finds the previous pass still running does nothing. */
export function startScheduler(ctx: () => AppContext, tickSeconds = 10): Scheduler {
  const stopping = new AbortController();
  const abandon = new AbortController();
  // Every refresh in flight listens on `abandon` until it settles (withDeadline removes it): `concurrency` listeners,
  // not a leak, which EventTarget would report as one past ten.
  setMaxListeners(0, abandon.signal);
  let running: Promise<unknown> | undefined;
  const tick = () => {
    if (running || stopping.signal.aborted) return;
    const current = ctx();
    running = runPass(current, {
      stop: stopping.signal,
      abort: abandon.signal,
      recheckMs: tickSeconds * 1000,
      current: ctx,
    })
      .catch((err: unknown) => current.log.error({ err: databaseErrorMessage(err) }, 'scheduler pass failed'))
      .finally(() => {
        running = undefined;
      });
  };
  const task = cron.schedule(cronEvery(tickSeconds), tick, { noOverlap: true });
  setImmediate(tick);
  return {
    async stop(deadlineMs = 30_000) {
      stopping.abort();
      await task.stop();
      const pass = running;
      let abandoned = false;
      if (pass) {
        const finished = await Promise.race([pass.then(() => true), sleep(deadlineMs, false, { ref: false })]);
        if (!finished) {
          abandoned = true;
          abandon.abort();
          await pass;
        }
      }
      const current = ctx();
      await releaseLeases(current.database.db, current.workerId).catch((err: Error) =>
        current.log.warn({ err: err.message }, 'could not release leases; they expire on their own'),
      );
      return { abandoned };
    },
    async idle() {
      await running;
    },
    poke: tick,
  };
}
