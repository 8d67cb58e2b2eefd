const MINUTE = 60_000;
const MAX_BACKOFF = 24 * 60 * MINUTE;

/** Delay before the next try after `failures` consecutive failures: doubling from the interval, capped at 24 h, with
 * ±20% jitter so failing sources do not come back in lockstep. */
export function backoffDelay(failures: number, intervalMs: number, random = Math.random): number {
  const base = Math.min(MAX_BACKOFF, intervalMs * 2 ** Math.min(failures - 1, 20));
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** Next poll after a success: the configured interval, raised to the feed's own hint (ttl, max-age) up to 24 h, with
 * ±10% jitter to spread sources over their interval. */
export function nextPollDelay(intervalMs: number, hintMs: number | undefined, random = Math.random): number {
  const wanted = hintMs !== undefined ? Math.max(intervalMs, Math.min(hintMs, MAX_BACKOFF)) : intervalMs;
  return Math.round(wanted * (0.9 + 0.2 * random()));
}
