import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardedLookup } from '../fetcher/address-guard.js';
import { postTo } from './post.js';
import { verifyIntent } from './verify.js';

// Callback and hub URLs are strangers' URLs: a redirect is never followed, so no hop can lead the service anywhere the
// address guard would not let it go directly.
describe('redirects from callbacks and hubs', () => {
  let base = '';
  const hits: string[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    hits.push(`${req.method} ${url.pathname}`);
    if (url.pathname === '/internal')
      return res.writeHead(200, { 'content-type': 'text/plain' }).end(url.searchParams.get('hub.challenge') ?? '');
    // Everything else sends the client to /internal, keeping the query (and so the challenge).
    res.writeHead(req.method === 'POST' ? 307 : 302, { location: `${base}/internal${url.search}` }).end();
  });
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const request = (callback: string) => ({
    mode: 'subscribe' as const,
    callback,
    topic: 'https://news.example/feeds/all.rss',
  });

  it('does not follow a verification redirect, even where private addresses are allowed', async () => {
    hits.length = 0;
    const result = await verifyIntent(request(`${base}/cb`), 600, {
      timeoutMs: 5000,
      allowPrivate: true,
      userAgent: 'test',
    });
    expect(result).toMatchObject({ ok: false, reason: expect.stringMatching(/redirect/) });
    expect(hits).toEqual(['GET /cb']);
  });

  it('does not follow a redirect of a delivery or a subscription request', async () => {
    hits.length = 0;
    const options = {
      body: Buffer.from('x'),
      headers: { 'content-type': 'text/plain' },
      timeoutMs: 5000,
      allowPrivate: true,
    };
    expect(await postTo(`${base}/hub`, options)).toBe(307);
    expect(hits).toEqual(['POST /hub']);
  });

  it('checks a public-looking callback name against what it resolves to, before any request', async () => {
    hits.length = 0;
    const rebinding = guardedLookup((_host, callback) => callback(null, [{ address: '127.0.0.1', family: 4 }]));
    const port = new URL(base).port;
    const result = await verifyIntent(request(`http://callback.example:${port}/cb`), 600, {
      timeoutMs: 5000,
      allowPrivate: false,
      userAgent: 'test',
      lookup: rebinding,
    });
    expect(result).toMatchObject({ ok: false, reason: expect.stringMatching(/refused to connect/) });
    expect(hits).toEqual([]);
  });
});
