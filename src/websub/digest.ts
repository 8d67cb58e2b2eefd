import { createHash } from 'node:crypto';

/** Identifies a rendered feed body: a subscriber is sent the feed again only when this changes. */
export function feedDigest(body: readonly Buffer[]): string {
  const hash = createHash('sha256');
  for (const chunk of body) hash.update(chunk);
  return hash.digest('base64url');
}
