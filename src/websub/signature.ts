import { createHmac, timingSafeEqual } from 'node:crypto';

const ALGORITHMS = new Set(['sha1', 'sha256', 'sha384', 'sha512']);

function digest(algorithm: string, secret: string, body: Buffer | readonly Buffer[]): Buffer {
  const hmac = createHmac(algorithm, secret);
  for (const chunk of Array.isArray(body) ? body : [body as Buffer]) hmac.update(chunk);
  return hmac.digest();
}

/** The X-Hub-Signature value for a delivery (WebSub §7.1): `sha256=` and the hex HMAC of the exact body bytes. */
export function signBody(secret: string, body: Buffer | readonly Buffer[]): string {
  return `sha256=${digest('sha256', secret, body).toString('hex')}`;
}

/**
 * Whether an X-Hub-Signature header is the HMAC of `body` under `secret`, in any algorithm WebSub allows (sha1 from
 * older hubs included). Compared in constant time; a malformed or missing header is simply false.
 */
export function verifySignature(secret: string, body: Buffer | readonly Buffer[], header: string | undefined): boolean {
  const match = /^(sha1|sha256|sha384|sha512)=([0-9a-f]+)$/i.exec(header?.trim() ?? '');
  if (!match) return false;
  const algorithm = match[1]!.toLowerCase();
  if (!ALGORITHMS.has(algorithm)) return false;
  const expected = digest(algorithm, secret, body);
  const given = Buffer.from(match[2]!.toLowerCase(), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
