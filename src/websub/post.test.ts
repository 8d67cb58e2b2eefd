import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardedLookup } from '../fetcher/address-guard.js';
import { postTo } from './post.js';

describe('POSTing to a callback', () => {
  let port = 0;
  const received: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req
      .setEncoding('utf8')
      .on('data', (chunk: string) => (body += chunk))
      .on('end', () => {
        received.push(`${req.headers['content-type']} ${req.headers['content-length']} ${body}`);
        res.writeHead(202).end();
      });
  });
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const options = {
    body: [Buffer.from('<feed>'), Buffer.from('</feed>')],
    headers: { 'content-type': 'application/atom+xml' },
    timeoutMs: 5000,
  };

  it('sends the body in pieces with its length and gives the status', async () => {
    expect(await postTo(`http://127.0.0.1:${port}/cb`, { ...options, allowPrivate: true })).toBe(202);
    expect(received).toEqual(['application/atom+xml 13 <feed></feed>']);
  });

  it('refuses loopback and private addresses unless allowed, by literal or by what a name resolves to', async () => {
    await expect(postTo(`http://127.0.0.1:${port}/cb`, { ...options, allowPrivate: false })).rejects.toThrow(
      /refused to connect/,
    );
    await expect(postTo(`http://localhost:${port}/cb`, { ...options, allowPrivate: false })).rejects.toThrow(
      /refused to connect/,
    );
    const rebinding = guardedLookup((_host, callback) => callback(null, [{ address: '127.0.0.1', family: 4 }]));
    await expect(
      postTo(`http://subscriber.example:${port}/cb`, { ...options, allowPrivate: false, lookup: rebinding }),
    ).rejects.toThrow(/refused to connect/);
    expect(received).toHaveLength(1);
  });
});
