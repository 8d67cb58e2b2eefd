import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import zlib from 'node:zlib';
import { assertPublicHost, publicOnlyLookup } from './address-guard.js';
import { ByteSink } from './byte-sink.js';
import { FetchError } from './errors.js';
import { isHttpUrl } from '../util/url.js';

export interface FetchOptions {
  /** The whole exchange, redirects included: a server that stalls or drips bytes is cut off here. */
  timeoutMs: number;
  /** Establishing each TCP/TLS connection; defaults to the smaller of 10 s and timeoutMs. */
  connectTimeoutMs?: number;
  /** Cap on the body, enforced on the wire and again after decompression. */
  maxBytes: number;
  userAgent: string;
  etag?: string | null;
  lastModified?: string | null;
  /** Allow loopback/private addresses on every hop (the source's allowPrivateNetwork, tests). */
  allowPrivateNetwork: boolean;
  /**
   * The host (with port) of the URL the operator configured: requests to it may reach a private address. Every other
   * host, whether a redirect hop or a discovered link, is guarded unless allowPrivateNetwork is set.
   */
  trustedHost?: string;
  maxRedirects?: number;
  accept?: string;
  /** Abandons the request (shutdown). */
  signal?: AbortSignal;
  /** DNS lookup for guarded requests (tests substitute one; production uses the system resolver). */
  lookup?: LookupFunction;
}

export interface FetchResult {
  status: number;
  /** Final URL after redirects. */
  url: string;
  /** Set when a permanent redirect (301/308) was followed on the way. */
  permanentUrl?: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  notModified: boolean;
}

// No keep-alive: a source is polled minutes apart, and a pooled socket the server has meanwhile closed fails the next
// request with ECONNRESET (the keep-alive race), which would be recorded against an innocent source.
const agents = { 'http:': new http.Agent({ keepAlive: false }), 'https:': new https.Agent({ keepAlive: false }) };

const FEED_ACCEPT =
  'application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8';

/** GET with redirects, a total timeout and a byte cap; 4xx/5xx become FetchError with the status. */
export async function fetchUrl(url: string, options: FetchOptions): Promise<FetchResult> {
  const deadline = Date.now() + options.timeoutMs;
  const maxRedirects = options.maxRedirects ?? 5;
  let current = new URL(url);
  let permanentUrl: string | undefined;
  let permanentChain = true;
  const seen = new Set<string>();
  for (let hop = 0; ; hop++) {
    const response = await requestOnce(current, options, deadline);
    if ([301, 302, 303, 307, 308].includes(response.status) && response.location) {
      if (hop >= maxRedirects) throw new FetchError(`too many redirects (more than ${maxRedirects})`, response.status);
      const next = new URL(response.location, current);
      if (seen.has(next.href)) throw new FetchError(`redirect loop at ${next.href}`, response.status);
      seen.add(current.href);
      permanentChain &&= response.status === 301 || response.status === 308;
      if (permanentChain) permanentUrl = next.href;
      current = next;
      continue;
    }
    if (response.status === 304) {
      return {
        status: 304,
        url: current.href,
        permanentUrl,
        headers: response.headers,
        body: Buffer.alloc(0),
        notModified: true,
      };
    }
    if (response.status >= 400) {
      throw new FetchError(
        `HTTP ${response.status}`,
        response.status,
        parseRetryAfter(response.headers['retry-after']),
      );
    }
    return {
      status: response.status,
      url: current.href,
      permanentUrl,
      headers: response.headers,
      body: response.body,
      notModified: false,
    };
  }
}

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  location?: string;
  body: Buffer;
}

function requestOnce(url: URL, options: FetchOptions, deadline: number): Promise<RawResponse> {
  if (!isHttpUrl(url)) {
    return Promise.reject(new FetchError(`unsupported URL scheme ${url.protocol}`));
  }
  const trusted = options.allowPrivateNetwork || url.host === options.trustedHost;
  if (!trusted) {
    try {
      assertPublicHost(url);
    } catch (err) {
      return Promise.reject(err);
    }
  }
  const headers: Record<string, string> = {
    'user-agent': options.userAgent,
    accept: options.accept ?? FEED_ACCEPT,
    'accept-encoding': 'gzip, deflate, br',
  };
  if (options.etag) headers['if-none-match'] = options.etag;
  if (options.lastModified) headers['if-modified-since'] = options.lastModified;
  const transport = url.protocol === 'https:' ? https : http;

  return new Promise<RawResponse>((resolve, reject) => {
    const remaining = deadline - Date.now();
    if (remaining <= 0) return reject(new FetchError(`timed out after ${options.timeoutMs} ms`));
    let settled = false;
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      cleanup();
      req.destroy();
      reject(err);
    };
    const onAbort = () => fail(new FetchError('aborted'));
    const cleanup = () => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    };
    const timer = setTimeout(() => fail(new FetchError(`timed out after ${options.timeoutMs} ms`)), remaining);
    const req = transport.request(url, {
      method: 'GET',
      headers,
      agent: agents[url.protocol as 'http:' | 'https:'],
      lookup: trusted ? undefined : (options.lookup ?? publicOnlyLookup),
    });
    const connectMs = Math.min(options.connectTimeoutMs ?? 10_000, remaining);
    req.on('socket', (socket) => {
      if (!socket.connecting) return;
      // An unreachable host (dropped SYNs) should not hold a concurrency slot for the whole timeout.
      const connectTimer = setTimeout(() => fail(new FetchError(`connect timed out after ${connectMs} ms`)), connectMs);
      socket.once('connect', () => clearTimeout(connectTimer));
      socket.once('close', () => clearTimeout(connectTimer));
    });
    req.on('error', (err) =>
      fail(err.name === 'BlockedAddressError' ? err : new FetchError(describeNetworkError(err))),
    );
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      if ((status >= 300 && status < 400) || status >= 400) {
        // No need for the body of a redirect or an error page; don't let it hold the socket.
        res.resume();
        settled = true;
        cleanup();
        resolve({ status, headers: res.headers, location, body: Buffer.alloc(0) });
        res.destroy();
        return;
      }
      readBody(res, options.maxBytes).then((body) => {
        if (settled) return;
        settled = true;
        cleanup();
        resolve({ status, headers: res.headers, location, body });
      }, fail);
    });
    req.end();
  });
}

/** Streams the body through the right decoder, counting bytes on the wire and after inflation. */
function readBody(res: http.IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(res.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    res.destroy();
    return Promise.reject(new FetchError(`response too large: Content-Length ${declared} exceeds ${maxBytes} bytes`));
  }
  const encoding = String(res.headers['content-encoding'] ?? '')
    .trim()
    .toLowerCase();
  let decoder: zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress | undefined;
  if (encoding === 'gzip' || encoding === 'x-gzip') decoder = zlib.createGunzip();
  else if (encoding === 'deflate') decoder = zlib.createInflate();
  else if (encoding === 'br') decoder = zlib.createBrotliDecompress();

  return new Promise<Buffer>((resolve, reject) => {
    const sink = new ByteSink(decoder ? undefined : declared);
    let wireBytes = 0;
    let bodyBytes = 0;
    let done = false;
    const stop = (err?: Error) => {
      if (done) return;
      done = true;
      if (err) {
        res.destroy();
        decoder?.destroy();
        reject(err);
      } else resolve(sink.bytes());
    };
    res.on('data', (chunk: Buffer) => {
      wireBytes += chunk.length;
      if (wireBytes > maxBytes) stop(new FetchError(`response too large: more than ${maxBytes} bytes`));
    });
    res.on('error', (err) => stop(new FetchError(describeNetworkError(err))));
    res.on('aborted', () => stop(new FetchError('connection closed before the body was complete')));
    const output = decoder ? res.pipe(decoder) : res;
    output.on('data', (chunk: Buffer) => {
      bodyBytes += chunk.length;
      if (bodyBytes > maxBytes)
        return stop(new FetchError(`response too large: more than ${maxBytes} bytes after decompression`));
      sink.write(chunk);
    });
    output.on('error', (err: Error) => stop(new FetchError(`cannot decode ${encoding} body: ${err.message}`)));
    output.on('end', () => stop());
  });
}

function describeNetworkError(err: Error & { code?: string }): string {
  return err.code ? `${err.code}: ${err.message}` : err.message;
}

export function parseRetryAfter(value: string | string[] | undefined): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return undefined;
  if (/^\d+$/.test(text.trim())) return Number(text.trim());
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}
