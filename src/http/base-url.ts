import { isIPv4, isIPv6 } from 'node:net';

/** What a request says about where the client reached the service. */
export interface RequestOrigin {
  host?: string;
  forwardedHost?: string | string[];
  forwardedProto?: string | string[];
  /** The socket's local end: the address and port the client connected to. */
  localAddress?: string;
  localPort?: number;
}

export interface BaseUrlOptions {
  /** output.baseUrl: when set, links always use it. */
  configured?: string;
  /** output.trustProxy: believe X-Forwarded-Host and X-Forwarded-Proto. */
  trustProxy: boolean;
}

const LABEL = '[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?';
const HOST = new RegExp(`^(?:(${LABEL}(?:\\.${LABEL})*\\.?)|\\[([0-9a-f:.]+)\\])(?::(\\d{1,5}))?$`);

/** A Host header value (name or IP, optional port) in lower case, or undefined unless it is exactly that. */
export function validHost(value: string | undefined): string | undefined {
  const host = value?.trim().toLowerCase();
  if (!host || host.length > 260) return undefined;
  const match = HOST.exec(host);
  if (!match) return undefined;
  const [, name, ipv6, port] = match;
  if (name !== undefined && /^[\d.]+$/.test(name) && !isIPv4(name)) return undefined;
  if (ipv6 !== undefined && !isIPv6(ipv6)) return undefined;
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return undefined;
  return host;
}

const first = (value: string | string[] | undefined) =>
  (Array.isArray(value) ? value[0] : value)?.split(',')[0]?.trim();

/** host[:port] of the socket's local end, as a URL authority. */
function localAuthority(origin: RequestOrigin): string {
  const address = (origin.localAddress ?? '127.0.0.1')
    .replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '')
    .replace(/%.*$/, '');
  const host = isIPv6(address) ? `[${address}]` : address;
  return origin.localPort ? `${host}:${origin.localPort}` : host;
}

/**
 * Where links in a response point: output.baseUrl when configured, otherwise the scheme and host the client used (the
 * Host header, or X-Forwarded-Host/-Proto when trusted), falling back to the address it connected to when the header
 * is missing or malformed. Never a trailing slash.
 */
export function requestBaseUrl(origin: RequestOrigin, options: BaseUrlOptions): string {
  if (options.configured) return options.configured.replace(/\/+$/, '');
  const forwardedProto = options.trustProxy ? first(origin.forwardedProto)?.toLowerCase() : undefined;
  const scheme = forwardedProto === 'https' || forwardedProto === 'http' ? forwardedProto : 'http';
  const host =
    (options.trustProxy ? validHost(first(origin.forwardedHost)) : undefined) ??
    validHost(origin.host) ??
    localAuthority(origin);
  // URL drops a default port and the trailing dot stays; origin never has a path.
  return new URL(`${scheme}://${host}`).origin;
}

/** The base URL for links in the response to `request`, under the configuration's output options. */
export function baseUrlOf(
  request: {
    headers: Record<string, string | string[] | undefined>;
    socket: { localAddress?: string; localPort?: number };
  },
  output: { baseUrl?: string; trustProxy: boolean },
): string {
  const { headers, socket } = request;
  return requestBaseUrl(
    {
      host: typeof headers.host === 'string' ? headers.host : undefined,
      forwardedHost: headers['x-forwarded-host'],
      forwardedProto: headers['x-forwarded-proto'],
      localAddress: socket.localAddress,
      localPort: socket.localPort,
    },
    { configured: output.baseUrl, trustProxy: output.trustProxy },
  );
}
