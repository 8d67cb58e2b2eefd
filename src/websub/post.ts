import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { assertPublicHost, publicOnlyLookup } from '../fetcher/address-guard.js';

export interface PostOptions {
  body: Buffer | readonly Buffer[];
  headers: Record<string, string>;
  /** The whole exchange, until the response status arrives. */
  timeoutMs: number;
  /** Allow loopback/private addresses (output.websub.allowPrivateCallbacks, or the operator's own hub). */
  allowPrivate: boolean;
  /** DNS lookup for guarded requests (tests substitute one). */
  lookup?: LookupFunction;
}

const agents = { 'http:': new http.Agent({ keepAlive: false }), 'https:': new https.Agent({ keepAlive: false }) };

/**
 * POSTs a body and resolves with the response status (redirects are not followed: a callback answers for itself).
 * Rejects on a network error, a timeout, or an address the guard refuses. The response body is not read.
 */
export function postTo(target: string, options: PostOptions): Promise<number> {
  const url = new URL(target);
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return Promise.reject(new Error(`unsupported URL scheme ${url.protocol}`));
  if (!options.allowPrivate) {
    try {
      assertPublicHost(url);
    } catch (err) {
      return Promise.reject(err as Error);
    }
  }
  const chunks = Array.isArray(options.body) ? options.body : [options.body as Buffer];
  const length = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise<number>((resolve, reject) => {
    const req = transport.request(url, {
      method: 'POST',
      headers: { ...options.headers, 'content-length': String(length) },
      agent: agents[url.protocol as 'http:' | 'https:'],
      lookup: options.allowPrivate ? undefined : (options.lookup ?? publicOnlyLookup),
    });
    const timer = setTimeout(
      () => req.destroy(new Error(`timed out after ${options.timeoutMs} ms`)),
      options.timeoutMs,
    );
    req.on('error', (err: Error & { code?: string }) => {
      clearTimeout(timer);
      reject(new Error(err.code && !err.message.includes(err.code) ? `${err.code}: ${err.message}` : err.message));
    });
    req.on('response', (res) => {
      clearTimeout(timer);
      resolve(res.statusCode ?? 0);
      // Only the status matters; the connection is not reused.
      res.destroy();
    });
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}
