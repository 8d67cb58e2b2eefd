// Load generator in its own process, so it does not share an event loop with the server it measures.
// Usage: node --import tsx bench/lib/load.ts '<json options>'  → prints one JSON line of results.
import autocannon from 'autocannon';
import { encodeCursor } from '../../src/http/cursor.js';

interface LoadOptions {
  url: string;
  seconds: number;
  connections: number;
  headers?: Record<string, string>;
  /** Ask for a different page each request (a `before` cursor a second older each time), so every request is a render:
   * the server ignores parameters it does not read, so a cache buster would not do. */
  vary?: boolean;
}

const options = JSON.parse(process.argv[2] ?? '{}') as LoadOptions;
let counter = 0;
const started = Date.now();
const result = await autocannon({
  url: options.url,
  connections: options.connections,
  duration: options.seconds,
  headers: options.headers,
  requests: options.vary
    ? [
        {
          setupRequest: (req: autocannon.Request) => {
            const before = encodeCursor(new Date(started - 1000 * counter++), Number.MAX_SAFE_INTEGER);
            return { ...req, path: `${req.path}${req.path?.includes('?') ? '&' : '?'}before=${before}` };
          },
        },
      ]
    : undefined,
});
console.log(
  JSON.stringify({
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  }),
);
