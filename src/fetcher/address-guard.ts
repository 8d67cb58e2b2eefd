import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import type { LookupFunction } from 'node:net';

// Addresses a feed must never make us request: loopback, private, link-local (cloud metadata), CGNAT, multicast…
const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  blocked.addSubnet(net, prefix, 'ipv4');
// IPv6, including every form that carries an IPv4 address a host may route to: IPv4-compatible (::a.b.c.d, which also
// covers :: and ::1), IPv4-translated (::ffff:0:a.b.c.d), NAT64 (64:ff9b::/96, 64:ff9b:1::/48), 6to4 (2002::/16) and
// Teredo (2001::/32); deprecated site-local (fec0::/10) with unique-local (fc00::/7) and link-local.
for (const [net, prefix] of [
  ['::', 96],
  ['::ffff:0:0:0', 96],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['2002::', 16],
  ['2001::', 32],
  ['2001:db8::', 32],
  ['100::', 64],
] as const)
  blocked.addSubnet(net, prefix, 'ipv6');

export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return blocked.check(address, 'ipv4');
  if (family === 6) {
    // IPv4-mapped addresses (::ffff:127.0.0.1, ::ffff:7f00:1) reach IPv4 hosts: a feed has no business using them.
    if (/^(::|(0{1,4}:){5})ffff:/i.test(address)) return true;
    return blocked.check(address, 'ipv6');
  }
  return true;
}

export class BlockedAddressError extends Error {
  constructor(host: string, address: string) {
    super(`refused to connect to ${host} (${address}): private, loopback or link-local address`);
    this.name = 'BlockedAddressError';
  }
}

type Resolve = (
  hostname: string,
  callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

const systemResolve: Resolve = (hostname, callback) => dnsLookup(hostname, { all: true }, callback);

/** A DNS lookup for http.request that fails when any resolved address is private: checked at connect time, on every
 * redirect hop, so DNS rebinding and redirects to internal hosts are caught too. `resolve` is injectable for tests. */
export function guardedLookup(
  resolve: Resolve = systemResolve,
  trustedHosts: ReadonlySet<string> = new Set(),
): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, (err, addresses) => {
      if (err) return callback(err, '', 0);
      // Tests stand a "public" host in with a loopback server by trusting its name.
      const bad = trustedHosts.has(hostname) ? undefined : addresses.find((a) => isPrivateAddress(a.address));
      if (bad) return callback(new BlockedAddressError(hostname, bad.address), '', 0);
      if (addresses.length === 0) return callback(new Error(`no address for ${hostname}`), '', 0);
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      const first = addresses[0]!;
      callback(null, first.address, first.family);
    });
  };
}

export const publicOnlyLookup = guardedLookup();

/** Literal IP hosts never reach the lookup function, so they are checked before connecting. */
export function assertPublicHost(url: URL): void {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) && isPrivateAddress(host)) throw new BlockedAddressError(host, host);
  if (host === 'localhost' || host.endsWith('.localhost')) throw new BlockedAddressError(host, host);
}
