// What the public pages say about a failing source: a category, never the error text itself. The text carries
// addresses, ports and resolver answers ("ECONNREFUSED 127.0.0.1:1"), which would let anyone probe the network through
// the service; it stays in the logs and in `tributary sources`.
const BY_MESSAGE: [RegExp, string][] = [
  // Recorded as "database: <driver message>": whatever the driver said (a refused connection too) is the database's.
  [/^database:/, 'database error'],
  [/refused to connect to .*(private|loopback|link-local)|BlockedAddress|blocked address/i, 'blocked address'],
  [/redirect loop|too many redirects/i, 'too many redirects'],
  [/timed out|timeout|ETIMEDOUT|deadline|took longer than/i, 'timeout'],
  [/ECONNREFUSED/, 'connection refused'],
  [/ENOTFOUND|EAI_AGAIN|EAI_NONAME|EAI_FAIL|no address for|getaddrinfo/i, 'DNS failure'],
  [/CERT_|_CERT|SSL|TLS|EPROTO|certificate/i, 'TLS failure'],
  [/EHOSTUNREACH|ENETUNREACH|EHOSTDOWN/, 'host unreachable'],
  [/ECONNRESET|EPIPE|socket hang up|connection closed|closed before/i, 'connection reset'],
  [/too large|exceeds \d+ bytes/i, 'too large'],
  [/unsupported URL scheme/i, 'unsupported URL'],
  [
    /not a well-formed feed|neither XML nor JSON|HTML page|not a JSON Feed|invalid JSON|empty response body|not a feed|no feed/i,
    'not a feed',
  ],
  [/cannot decode|invalid encoding|charset/i, 'undecodable response'],
  [/abandoned|aborted/i, 'interrupted'],
];

/** A short public category for a source's last error, from the stored message and HTTP status; null when there is none. */
export function errorCategory(error: string | null | undefined, status: number | null | undefined): string | null {
  if (!error) return null;
  for (const [pattern, category] of BY_MESSAGE) if (pattern.test(error)) return category;
  if (status && status >= 400 && status <= 599) return `HTTP ${status}`;
  const stated = /^HTTP (\d{3})\b/.exec(error);
  if (stated) return `HTTP ${stated[1]}`;
  // Whatever else happened while storing (a refused row, a lost connection mid-store) is the database's.
  if (/database|failed query|violates|invalid byte sequence|null character|deadlock|PGlite|Postgres/i.test(error))
    return 'database error';
  return 'error';
}
