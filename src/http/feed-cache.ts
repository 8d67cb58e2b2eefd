import { createHash } from 'node:crypto';

export interface CachedFeed {
  version: number;
  etag: string;
  body: string;
  contentType: string;
}

/**
 * Rendered feeds by request URL, valid while the data version is unchanged, so a popular feed is rendered once per
 * change rather than once per request. The version itself is re-read from the database at most every `versionTtlMs`.
 */
export class FeedCache {
  private readonly entries = new Map<string, CachedFeed>();
  private version: { value: number; readAt: number } | undefined;

  constructor(private readonly readVersion: () => Promise<number>, private readonly maxEntries = 500, private readonly versionTtlMs = 1000) {}

  /** The data version, cached briefly; throws when the database cannot be asked. */
  async currentVersion(now = Date.now()): Promise<number> {
    if (this.version && now - this.version.readAt < this.versionTtlMs) return this.version.value;
    const value = await this.readVersion();
    this.version = { value, readAt: now };
    return value;
  }

  /** The entry for a URL, whatever its version (the fallback while the database is unreachable). */
  peek(key: string): CachedFeed | undefined {
    return this.entries.get(key);
  }

  get(key: string, version: number): CachedFeed | undefined {
    const entry = this.entries.get(key);
    if (!entry || entry.version !== version) return undefined;
    // Re-insert to keep the map in least-recently-used order.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry;
  }

  set(key: string, version: number, body: string, contentType: string): CachedFeed {
    const entry = { version, body, contentType, etag: `"${createHash('sha1').update(body).digest('base64url')}"` };
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    return entry;
  }
}
