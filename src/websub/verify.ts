import { randomBytes } from 'node:crypto';
import type { LookupFunction } from 'node:net';
import { fetchUrl } from '../fetcher/http.js';
import type { SubscriptionRequest } from './request.js';

export interface VerifyOptions {
  timeoutMs: number;
  allowPrivate: boolean;
  userAgent: string;
  lookup?: LookupFunction;
}

export type Verification = { ok: true } | { ok: false; reason: string };

/**
 * Verification of intent (WebSub §5.3): GET the callback with hub.mode, hub.topic, hub.challenge (and the granted
 * hub.lease_seconds); the subscriber confirms by answering 2xx with the challenge as the body. No redirects.
 */
export async function verifyIntent(
  request: SubscriptionRequest,
  leaseSeconds: number,
  options: VerifyOptions,
): Promise<Verification> {
  const challenge = randomBytes(24).toString('base64url');
  const url = new URL(request.callback);
  url.searchParams.append('hub.mode', request.mode);
  url.searchParams.append('hub.topic', request.topic);
  url.searchParams.append('hub.challenge', challenge);
  if (request.mode === 'subscribe') url.searchParams.append('hub.lease_seconds', String(leaseSeconds));
  try {
    const response = await fetchUrl(url.href, {
      timeoutMs: options.timeoutMs,
      maxBytes: 4096,
      userAgent: options.userAgent,
      allowPrivateNetwork: options.allowPrivate,
      maxRedirects: 0,
      accept: 'text/plain, */*;q=0.5',
      lookup: options.lookup,
    });
    if (response.body.toString('utf8').trim() !== challenge)
      return { ok: false, reason: 'the callback did not echo hub.challenge' };
    return { ok: true };
  } catch (err) {
    return { ok: false, reason: `the callback could not be verified: ${(err as Error).message}` };
  }
}
