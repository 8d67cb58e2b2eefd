import { createHash } from 'node:crypto';

export interface CachedFeed {
  version: number;
  etag: string;
  /** The body: one buffer when small, otherwise pieces of a few dozen KB, never one large buffer (see renderFeed). */
  body: readonly Buffer[];
  /** Its length in bytes. */
  length: number;
  contentType: string;
}

// Bodies up to this size are kept as one buffer (sent as is, faster than a stream); bigger ones stay in pieces.
const WHOLE_BODY = 256 * 1024;
// Bookkeeping per entry beyond its body and key (map slot, object, strings): keeps thousands of tiny feeds honest.
const ENTRY_OVERHEAD = 256;

/**
 * Rendered feeds by normalized request, valid while the data version is unchanged, so a popular feed is rendered once
 * per change rather than once per request. Bounded in bytes (least recently used go first), so no mix of URLs can
 * grow it past its budget. The version itself is re-read from the database at most every `versionTtlMs`.
 */
export class FeedCache {
  private readonly entries = new Map<string, { feed: CachedFeed; size: number }>();
  /** Renders under way, so concurrent requests for the same feed wait for one render instead of starting their own. */
  private readonly pending = new Map<string, Promise<CachedFeed>>();
  private used = 0;
  private version: { value: number; readAt: number } | undefined;

  constructor(
    private readonly readVersion: () => Promise<number>,
    /** The budget in bytes, read on every insert (the configuration may change). */
    private readonly maxBytes: () => number,
    private readonly versionTtlMs = 1000,
  ) {}

  /** Bytes held now (bodies, keys and bookkeeping). */
  get size(): number {
    return this.used;
  }

  get count(): number {
    return this.entries.size;
  }

  /** The data version, cached briefly; throws when the database cannot be asked. */
  async currentVersion(now = Date.now()): Promise<number> {
    if (this.version && now - this.version.readAt < this.versionTtlMs) return this.version.value;
    const value = await this.readVersion();
    this.version = { value, readAt: now };
    return value;
  }

  /** The entry for a key, whatever its version (the fallback while the database is unreachable). */
  peek(key: string): CachedFeed | undefined {
    return this.entries.get(key)?.feed;
  }

  get(key: string, version: number): CachedFeed | undefined {
    const entry = this.entries.get(key);
    if (!entry || entry.feed.version !== version) return undefined;
    // Re-insert to keep the map in least-recently-used order.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.feed;
  }

  /** The cached entry, or the one `render` makes (shared with concurrent callers for the same key and version). */
  async getOrRender(
    key: string,
    version: number,
    contentType: string,
    render: () => Promise<readonly Buffer[] | string>,
  ): Promise<CachedFeed> {
    const cached = this.get(key, version);
    if (cached) return cached;
    const flight = `${version} ${key}`;
    let pending = this.pending.get(flight);
    if (!pending) {
      pending = render()
        .then((body) => this.set(key, version, body, contentType))
        .finally(() => this.pending.delete(flight));
      this.pending.set(flight, pending);
    }
    return pending;
  }

  set(key: string, version: number, body: readonly Buffer[] | string, contentType: string): CachedFeed {
    let chunks = typeof body === 'string' ? [Buffer.from(body)] : body;
    const hash = createHash('sha1');
    let length = 0;
    for (const chunk of chunks) {
      hash.update(chunk);
      length += chunk.length;
    }
    if (chunks.length > 1 && length <= WHOLE_BODY) chunks = [Buffer.concat(chunks, length)];
    const feed = { version, body: chunks, length, contentType, etag: `"${hash.digest('base64url')}"` };
    this.remove(key);
    const size = length + Buffer.byteLength(key) + ENTRY_OVERHEAD;
    const budget = this.maxBytes();
    // A body bigger than the whole budget is served but not kept.
    if (size > budget) return feed;
    this.entries.set(key, { feed, size });
    this.used += size;
    for (const oldest of this.entries.keys()) {
      if (this.used <= budget) break;
      this.remove(oldest);
    }
    return feed;
  }

  private remove(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.used -= entry.size;
  }
}
