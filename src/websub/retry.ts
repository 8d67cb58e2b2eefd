/** Retry policy of deliveries (config output.websub.delivery). */
export interface RetryPolicy {
  /** Attempts after the first. */
  retries: number;
  /** Wait before the first retry (ms); doubles each time. */
  backoff: number;
  maxBackoff: number;
}

/**
 * When to try again after `failures` failed attempts (1 after the first), as a delay in ms; undefined once the retries
 * are spent and the delivery is given up.
 */
export function retryDelay(failures: number, policy: RetryPolicy): number | undefined {
  if (failures < 1 || failures > policy.retries) return undefined;
  return Math.min(policy.maxBackoff, policy.backoff * 2 ** (failures - 1));
}
