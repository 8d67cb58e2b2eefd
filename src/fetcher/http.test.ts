import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureServer, type FixtureServer } from '../../test/helpers/fixture-server.js';
import { until } from '../../test/helpers/until.js';
import { FetchError } from './errors.js';
import { fetchUrl, parseRetryAfter, type FetchOptions } from './http.js';

const BODY = '<rss version="2.0"><channel><title>Wire</title></channel></rss>';
const XML = { 'content-type': 'application/rss+xml' };

describe('fetchUrl over real HTTP on 127.0.0.1', () => {
  let server: FixtureServer;
  let seen: IncomingHttpHeaders[] = [];
  let held: ServerResponse[] = [];
  const options = (more: Partial<FetchOptions> = {}): FetchOptions => ({
    timeoutMs: 5_000,
    maxBytes: 1024,
    userAgent: 'Tributary-test/1',
    allowPrivateNetwork: false,
    trustedHost: new URL(server.url).host,
    ...more,
  });
  const get = (path: string, more: Partial<FetchOptions> = {}) => fetchUrl(`${server.url}${path}`, options(more));
  const failure = (path: string, more: Partial<FetchOptions> = {}) =>
    get(path, more).then(
      () => {
        throw new Error('expected a failure');
      },
      (err: Error) => err,
    );

  beforeAll(async () => {
    server = await startFixtureServer({
      '/feed.xml': (req, res) => {
        seen.push(req.headers);
        if (
          req.headers['if-none-match'] === '"v1"' ||
          req.headers['if-modified-since'] === 'Tue, 01 Dec 2026 10:00:00 GMT'
        ) {
          res.writeHead(304, { etag: '"v1"' }).end();
        } else {
          res.writeHead(200, { ...XML, etag: '"v1"', 'last-modified': 'Tue, 01 Dec 2026 10:00:00 GMT' }).end(BODY);
        }
      },
      '/moved-301': { status: 301, headers: { location: '/feed.xml' } },
      '/moved-308': { status: 308, headers: { location: '/moved-301' } },
      '/found-302': { status: 302, headers: { location: '/feed.xml' } },
      '/301-then-302': { status: 301, headers: { location: '/found-302' } },
      '/loop-a': { status: 302, headers: { location: '/loop-b' } },
      '/loop-b': { status: 302, headers: { location: '/loop-a' } },
      '/chain/0': { status: 302, headers: { location: '/chain/1' } },
      '/chain/1': { status: 302, headers: { location: '/chain/2' } },
      '/chain/2': { status: 302, headers: { location: '/feed.xml' } },
      '/to-localhost': (req, res) =>
        res.writeHead(302, { location: `http://localhost:${req.socket.localPort}/feed.xml` }).end(),
      '/to-ftp': { status: 302, headers: { location: 'ftp://127.0.0.1/feed.xml' } },
      '/declared-big': { headers: { ...XML, 'content-length': '5000' }, body: 'x'.repeat(5000) },
      '/chunked-big': (_req, res) => {
        res.writeHead(200, XML);
        for (let i = 0; i < 10; i++) res.write('y'.repeat(500));
        res.end();
      },
      '/gzip-bomb': {
        headers: { ...XML, 'content-encoding': 'gzip' },
        body: zlib.gzipSync(Buffer.alloc(1_000_000, 32)),
      },
      '/gzip': { headers: { ...XML, 'content-encoding': 'gzip' }, body: zlib.gzipSync(BODY) },
      '/deflate': { headers: { ...XML, 'content-encoding': 'deflate' }, body: zlib.deflateSync(BODY) },
      '/br': { headers: { ...XML, 'content-encoding': 'br' }, body: zlib.brotliCompressSync(BODY) },
      '/bad-gzip': { headers: { ...XML, 'content-encoding': 'gzip' }, body: 'this is not gzip' },
      '/stall': (_req, res) => {
        res.writeHead(200, XML);
        res.write('<rss>');
        held.push(res);
      },
      '/hang': (_req, res) => {
        held.push(res);
      },
      '/503': { status: 503, headers: { 'retry-after': '120' }, body: 'busy' },
      '/404': { status: 404, body: 'nope' },
    });
  });
  afterAll(async () => {
    for (const res of held) res.destroy();
    held = [];
    await server.close();
  });

  it('sends the user agent, a feed Accept and the encodings it can decode', async () => {
    seen = [];
    const result = await get('/feed.xml');
    expect(result).toMatchObject({ status: 200, url: `${server.url}/feed.xml`, notModified: false });
    expect(result.body.toString()).toBe(BODY);
    expect(seen[0]).toMatchObject({ 'user-agent': 'Tributary-test/1', 'accept-encoding': 'gzip, deflate, br' });
    expect(seen[0]!.accept).toMatch(/^application\/rss\+xml, application\/atom\+xml, application\/feed\+json/);
    expect(seen[0]!['if-none-match']).toBeUndefined();
  });

  it('makes conditional requests with the ETag and Last-Modified it was given, and reports 304 as not modified', async () => {
    seen = [];
    const byEtag = await get('/feed.xml', { etag: '"v1"' });
    expect(byEtag).toMatchObject({ status: 304, notModified: true });
    expect(byEtag.body).toHaveLength(0);
    const byDate = await get('/feed.xml', { lastModified: 'Tue, 01 Dec 2026 10:00:00 GMT' });
    expect(byDate).toMatchObject({ status: 304, notModified: true });
    expect(seen.map((h) => [h['if-none-match'], h['if-modified-since']])).toEqual([
      ['"v1"', undefined],
      [undefined, 'Tue, 01 Dec 2026 10:00:00 GMT'],
    ]);
  });

  it('follows redirects, and remembers the target only when every hop was permanent', async () => {
    const target = `${server.url}/feed.xml`;
    expect(await get('/moved-301')).toMatchObject({ status: 200, url: target, permanentUrl: target });
    expect(await get('/moved-308')).toMatchObject({ url: target, permanentUrl: target });
    expect((await get('/found-302')).permanentUrl).toBeUndefined();
    // A permanent hop then a temporary one: only the permanent part is remembered.
    expect(await get('/301-then-302')).toMatchObject({ url: target, permanentUrl: `${server.url}/found-302` });
  });

  it('stops at a redirect loop and after too many hops', async () => {
    expect((await failure('/loop-a')).message).toBe(`redirect loop at ${server.url}/loop-a`);
    expect((await get('/chain/0', { maxRedirects: 3 })).status).toBe(200);
    const tooMany = await failure('/chain/0', { maxRedirects: 2 });
    expect(tooMany).toBeInstanceOf(FetchError);
    expect(tooMany.message).toBe('too many redirects (more than 2)');
  });

  it('guards every hop: the configured host may be private, a redirect to another private host is refused', async () => {
    const refused = await failure('/to-localhost');
    expect(refused.name).toBe('BlockedAddressError');
    expect(refused.message).toMatch(/^refused to connect to localhost/);
    // With no trusted host even the first hop is refused; allowPrivateNetwork lets every hop through.
    expect((await failure('/feed.xml', { trustedHost: undefined })).name).toBe('BlockedAddressError');
    expect((await get('/to-localhost', { allowPrivateNetwork: true })).status).toBe(200);
    expect((await failure('/to-ftp')).message).toBe('unsupported URL scheme ftp:');
  });

  it('caps the body: by Content-Length, on the wire, and after decompression', async () => {
    expect((await failure('/declared-big')).message).toBe('response too large: Content-Length 5000 exceeds 1024 bytes');
    expect((await failure('/chunked-big')).message).toBe('response too large: more than 1024 bytes');
    expect((await failure('/gzip-bomb', { maxBytes: 100_000 })).message).toBe(
      'response too large: more than 100000 bytes after decompression',
    );
    expect((await get('/chunked-big', { maxBytes: 5000 })).body).toHaveLength(5000);
  });

  it('decodes gzip, deflate and brotli bodies, and names an undecodable one', async () => {
    for (const path of ['/gzip', '/deflate', '/br']) expect((await get(path)).body.toString(), path).toBe(BODY);
    expect((await failure('/bad-gzip')).message).toMatch(/^cannot decode gzip body: /);
  });

  it('cuts off a server that stalls after the headers at the timeout, and one that never answers', async () => {
    const stalled = await failure('/stall', { timeoutMs: 300 });
    expect(stalled).toBeInstanceOf(FetchError);
    expect(stalled.message).toBe('timed out after 300 ms');
    expect((await failure('/hang', { timeoutMs: 300 })).message).toBe('timed out after 300 ms');
  });

  it('gives up at once when aborted', async () => {
    const abort = new AbortController();
    const pending = failure('/hang', { signal: abort.signal, timeoutMs: 60_000 });
    const before = held.length;
    await until('the request to arrive', () => (held.length > before ? true : undefined));
    abort.abort();
    expect((await pending).message).toBe('aborted');
    const early = new AbortController();
    early.abort();
    expect((await failure('/feed.xml', { signal: early.signal })).message).toBe('aborted');
  });

  it('turns 4xx and 5xx into errors carrying the status and any Retry-After', async () => {
    const busy = (await failure('/503')) as FetchError;
    expect(busy).toMatchObject({ message: 'HTTP 503', status: 503, retryAfterSeconds: 120 });
    expect(await failure('/404')).toMatchObject({ message: 'HTTP 404', status: 404, retryAfterSeconds: undefined });
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds or an HTTP date, and ignores anything else', () => {
    expect(parseRetryAfter('120')).toBe(120);
    expect(parseRetryAfter([' 30 ', '99'])).toBe(30);
    expect(parseRetryAfter(new Date(Date.now() + 90_000).toUTCString())).toBeGreaterThanOrEqual(89);
    expect(parseRetryAfter('Tue, 01 Dec 2020 10:00:00 GMT')).toBe(0);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});
