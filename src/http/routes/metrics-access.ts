import { createHash, timingSafeEqual } from 'node:crypto';
import { BlockList } from 'node:net';

export interface MetricsAccessConfig {
  token?: string;
  loopbackOnly: boolean;
}

export type MetricsAccess = { ok: true } | { ok: false; status: 401 | 403; message: string };

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  return v4 ? loopback.check(v4, 'ipv4') : loopback.check(address, address.includes(':') ? 'ipv6' : 'ipv4');
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * Whether a scrape may read /metrics under the `metrics` options: from loopback only (the connection's address, not
 * a forwarded one), with the bearer token, or both. Open when neither is set.
 */
export function metricsAccess(
  config: MetricsAccessConfig,
  remoteAddress: string | undefined,
  authorization: string | undefined,
): MetricsAccess {
  if (config.loopbackOnly && !isLoopback(remoteAddress))
    return { ok: false, status: 403, message: 'metrics are served to loopback connections only' };
  if (config.token !== undefined) {
    const given = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
    // Compared as digests: equal length, constant time.
    if (!given || !timingSafeEqual(digest(given), digest(config.token)))
      return { ok: false, status: 401, message: 'metrics need a bearer token' };
  }
  return { ok: true };
}
