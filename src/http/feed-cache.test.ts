import { describe, expect, it } from 'vitest';
import { FeedCache } from './feed-cache.js';

const cacheOf = (maxBytes: number) =>
  new FeedCache(
    async () => 1,
    () => maxBytes,
    0,
  );

describe('feed cache', () => {
  it('stays within its byte budget, evicting the least recently used', () => {
    const cache = cacheOf(10_000);
    const body = 'x'.repeat(2_000);
    for (const key of ['a', 'b', 'c', 'd']) cache.set(key, 1, body, 'text/plain');
    expect(cache.get('a', 1)).toBeDefined();
    cache.set('e', 1, body, 'text/plain');
    expect(cache.size).toBeLessThanOrEqual(10_000);
    expect(cache.get('b', 1)).toBeUndefined();
    expect(Buffer.concat(cache.get('a', 1)!.body).toString()).toBe(body);
    expect(cache.count).toBe(4);
  });

  it('counts bytes, not characters, and keeps no body larger than the budget', () => {
    const cache = cacheOf(10_000);
    // 3,500 characters, 10,500 bytes in UTF-8.
    cache.set('wide', 1, '€'.repeat(3_500), 'text/plain');
    expect(cache.peek('wide')).toBeUndefined();
    const served = cache.set('huge', 1, 'x'.repeat(20_000), 'text/plain');
    expect(served.length).toBe(20_000);
    expect(cache.peek('huge')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('stays within budget under many distinct keys, whatever their size', () => {
    const cache = cacheOf(50_000);
    for (let i = 0; i < 5_000; i++) cache.set(`/feeds/all.rss?cb=${i}`, 1, 'y'.repeat(i % 700), 'text/plain');
    expect(cache.size).toBeLessThanOrEqual(50_000);
    expect(cache.count).toBeGreaterThan(10);
  });

  it('takes a body in pieces: its length and ETag are those of the whole', () => {
    const cache = cacheOf(10_000);
    const whole = cache.set('whole', 1, 'abcdef', 'text/plain');
    const pieces = cache.set('pieces', 1, [Buffer.from('ab'), Buffer.from('cd'), Buffer.from('ef')], 'text/plain');
    expect(pieces.length).toBe(6);
    expect(pieces.etag).toBe(whole.etag);
    // Small bodies are kept whole; big ones stay in pieces.
    expect(pieces.body).toEqual([Buffer.from('abcdef')]);
    const big = cacheOf(1_000_000).set('big', 1, [Buffer.alloc(200_000), Buffer.alloc(200_000)], 'text/plain');
    expect(big.body.map((b) => b.length)).toEqual([200_000, 200_000]);
  });

  it('replacing an entry releases the old body', () => {
    const cache = cacheOf(10_000);
    cache.set('k', 1, 'x'.repeat(3_000), 'text/plain');
    const before = cache.size;
    cache.set('k', 2, 'x'.repeat(1_000), 'text/plain');
    expect(cache.size).toBe(before - 2_000);
    expect(cache.get('k', 1)).toBeUndefined();
    expect(cache.get('k', 2)).toBeDefined();
  });

  it('renders once for concurrent requests of the same feed', async () => {
    const cache = cacheOf(10_000);
    let renders = 0;
    let finish = () => {};
    const gate = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const render = async () => {
      renders++;
      await gate;
      return 'body';
    };
    // All five ask while the first render is still held open.
    const pending = Array.from({ length: 5 }, () => cache.getOrRender('k', 1, 'text/plain', render));
    finish();
    const results = await Promise.all(pending);
    expect(renders).toBe(1);
    expect(new Set(results.map((r) => r.etag)).size).toBe(1);
    await cache.getOrRender('k', 2, 'text/plain', render);
    expect(renders).toBe(2);
  });

  it('a failed render is not remembered', async () => {
    const cache = cacheOf(10_000);
    await expect(
      cache.getOrRender('k', 1, 'text/plain', async () => {
        throw new Error('db down');
      }),
    ).rejects.toThrow('db down');
    expect(Buffer.concat((await cache.getOrRender('k', 1, 'text/plain', async () => 'ok')).body).toString()).toBe('ok');
  });
});
