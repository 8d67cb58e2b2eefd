import type { Config } from '../config/schema.js';

export type LeaseLimits = Config['output']['websub']['leaseSeconds'];

/** The lease granted for a requested hub.lease_seconds (WebSub §5.1: the hub decides): the default when none is asked. */
export function clampLease(requested: number | undefined, limits: LeaseLimits): number {
  if (requested === undefined || !Number.isFinite(requested)) return limits.default;
  return Math.min(limits.max, Math.max(limits.min, Math.floor(requested)));
}

/** When a lease granted at `from` ends. */
export const leaseEnd = (from: Date, leaseSeconds: number): Date => new Date(from.getTime() + leaseSeconds * 1000);
