// A feed farm: one HTTP server on 127.0.0.1 standing in for many feed publishers. Every source is an RSS 2.0 document
// built by makeFeeds from the seed (distinct stories, so nothing merges), served gzipped when asked, with a strong
// ETag and a Last-Modified date, and answered with 304 when the client already has it.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { makeFeeds } from './feeds.js';

export interface FarmOptions {
  seed: number;
  sources: number;
  itemsPerSource: number;
  /** Also serve /big.xml: one feed of this many items (0: none). */
  bigItems?: number;
  /** Also serve /huge.xml: an RSS body of this many bytes, streamed (chunked, no Content-Length). 0: none. */
  hugeBytes?: number;
  /** Serve these documents instead of makeFeeds' distinct stories (e.g. a syndicated world). */
  feeds?: string[];
  /** Spread the sources over this many servers (distinct ports: distinct hosts to the per-host limit). Default 1. */
  hosts?: number;
}

export interface FarmStats {
  requests: number;
  notModified: number;
  /** Bytes of bodies sent (after compression). */
  bytes: number;
}

export interface Farm {
  /** URL of source `i` (0-based). */
  url(i: number): string;
  /** A valid feed with no items (for a baseline run with every module loaded). */
  emptyUrl: string;
  /** The single feed of `bigItems` items. */
  bigUrl: string;
  /** The `hugeBytes` body; `?length` adds a Content-Length header. */
  hugeUrl: string;
  /** Uncompressed size of every source's document, in bytes. */
  sourceBytes: number;
  /** Uncompressed size of the big feed, in bytes. */
  bigBytes: number;
  stats: FarmStats;
  resetStats(): void;
  close(): Promise<void>;
}

interface Document {
  etag: string;
  gzipEtag: string;
  lastModified: string;
  body: Buffer;
  gzipped: Buffer;
}

function document(xml: string, lastModified: Date): Document {
  const body = Buffer.from(xml);
  const hash = createHash('sha256').update(body).digest('base64url').slice(0, 27);
  // Strong validators: the compressed representation is a different byte sequence, so it gets its own.
  return {
    etag: `"${hash}"`,
    gzipEtag: `"${hash}-gz"`,
    lastModified: lastModified.toUTCString(),
    body,
    gzipped: gzipSync(body),
  };
}

/** RFC 9110 If-None-Match: a list of entity tags (weak comparison) or `*`. */
function matchesAny(header: string | undefined, doc: Document): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === doc.etag || tag === doc.gzipEtag);
}

function notModified(req: IncomingMessage, doc: Document): boolean {
  const ifNoneMatch = req.headers['if-none-match'];
  if (ifNoneMatch !== undefined) return matchesAny(ifNoneMatch, doc);
  const since = Date.parse(req.headers['if-modified-since'] ?? '');
  return !Number.isNaN(since) && Date.parse(doc.lastModified) <= since;
}

export async function startFarm(options: FarmOptions): Promise<Farm> {
  const epoch = Date.UTC(2026, 10, 1);
  const feeds =
    options.feeds ??
    makeFeeds(options.seed, options.sources * options.itemsPerSource, options.itemsPerSource, { copyRate: 0 }).feeds;
  const documents = feeds.map((xml, i) => document(xml, new Date(epoch + i * 1000)));
  const big = options.bigItems
    ? document(
        makeFeeds(options.seed + 1, options.bigItems, options.bigItems, { copyRate: 0 }).feeds[0]!,
        new Date(epoch),
      )
    : undefined;
  const empty = document(
    '<?xml version="1.0"?><rss version="2.0"><channel><title>Empty</title><link>https://empty.example/</link></channel></rss>',
    new Date(epoch),
  );
  const stats: FarmStats = { requests: 0, notModified: 0, bytes: 0 };

  const sendDocument = (req: IncomingMessage, res: ServerResponse, doc: Document) => {
    const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    const etag = gzip ? doc.gzipEtag : doc.etag;
    const headers = { etag, 'last-modified': doc.lastModified, vary: 'Accept-Encoding', 'cache-control': 'max-age=0' };
    if (notModified(req, doc)) {
      stats.notModified++;
      res.writeHead(304, headers).end();
      return;
    }
    const body = gzip ? doc.gzipped : doc.body;
    stats.bytes += body.length;
    res
      .writeHead(200, {
        ...headers,
        'content-type': 'application/rss+xml; charset=utf-8',
        'content-length': body.length,
        ...(gzip ? { 'content-encoding': 'gzip' } : {}),
      })
      .end(body);
  };

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    stats.requests++;
    const url = new URL(req.url ?? '/', 'http://farm');
    const source = /^\/feed\/(\d+)\.xml$/.exec(url.pathname);
    if (source && documents[Number(source[1])]) return sendDocument(req, res, documents[Number(source[1])]!);
    if (url.pathname === '/empty.xml') return sendDocument(req, res, empty);
    if (url.pathname === '/big.xml' && big) return sendDocument(req, res, big);
    if (url.pathname === '/huge.xml' && options.hugeBytes)
      return sendHuge(res, options.seed, options.hugeBytes, url.searchParams.has('length'), stats);
    res.writeHead(404).end();
  };
  const servers = await Promise.all(
    Array.from({ length: options.hosts ?? 1 }, async () => {
      const server = createServer(handler);
      server.keepAliveTimeout = 30_000;
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return server;
    }),
  );
  const bases = servers.map((server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  const base = bases[0]!;
  return {
    url: (i) => `${bases[i % bases.length]!}/feed/${i}.xml`,
    emptyUrl: `${base}/empty.xml`,
    bigUrl: `${base}/big.xml`,
    hugeUrl: `${base}/huge.xml`,
    sourceBytes: documents.reduce((sum, d) => sum + d.body.length, 0),
    bigBytes: big?.body.length ?? 0,
    stats,
    resetStats() {
      Object.assign(stats, { requests: 0, notModified: 0, bytes: 0 });
    },
    close: async () => {
      await Promise.all(
        servers.map(
          (server) =>
            new Promise<void>((resolve, reject) => {
              server.closeAllConnections();
              server.close((err) => (err ? reject(err) : resolve()));
            }),
        ),
      );
    },
  };
}

/** A well-formed start of an RSS document that goes on with items for `total` bytes, written as the client reads. */
function sendHuge(res: ServerResponse, seed: number, total: number, declareLength: boolean, stats: FarmStats) {
  const xml = makeFeeds(seed + 2, 100, 100, { copyRate: 0 }).feeds[0]!;
  const head = Buffer.from(xml.slice(0, xml.indexOf('<item>')));
  const items = Buffer.from(xml.slice(xml.indexOf('<item>'), xml.lastIndexOf('</channel>')));
  const tail = Buffer.from('</channel></rss>');
  const itemBytes = total - head.length - tail.length;
  const repeats = Math.max(1, Math.ceil(itemBytes / items.length));
  const length = head.length + repeats * items.length + tail.length;
  res.writeHead(200, {
    'content-type': 'application/rss+xml; charset=utf-8',
    ...(declareLength ? { 'content-length': length } : {}),
  });
  let sent = 0;
  const write = (chunk: Buffer) => {
    stats.bytes += chunk.length;
    return res.write(chunk);
  };
  write(head);
  const pump = () => {
    while (sent < repeats && !res.destroyed) {
      sent++;
      if (!write(items)) return void res.once('drain', pump);
    }
    if (!res.destroyed) res.end(tail);
  };
  res.on('close', () => res.removeAllListeners('drain'));
  pump();
}
