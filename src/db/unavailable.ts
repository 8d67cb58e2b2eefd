// Errors that mean the database cannot be reached or cannot serve right now (an outage: 503, try again), as opposed
// to a query the database refused (a bug or bad input: 500 or 400).
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNABORTED',
  // postgres.js
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
]);
// SQLSTATE: class 08 connection exception, 53 insufficient resources (too many connections, out of memory), 57P0x the
// server shutting down or starting up.
const SERVER_UNAVAILABLE = /^(08|53)...$|^57P0[1-5]$/;

/** True when `err` (or what it wraps: drizzle puts the driver's error in `cause`) says the database is unreachable. */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (let current = err, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    const code = (current as Error & { code?: unknown }).code;
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || SERVER_UNAVAILABLE.test(code))) return true;
    if (current.message === 'PGlite is closed') return true;
  }
  return false;
}
