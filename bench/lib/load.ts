// Load generator in its own process, so it does not share an event loop with the server it measures.
// Usage: node --import tsx bench/lib/load.ts '<json options>'  → prints one JSON line of results.
import autocannon from 'autocannon';

interface LoadOptions {
  url: string;
  seconds: number;
  connections: number;
  headers?: Record<string, string>;
  /** Append a changing query parameter, so every request misses any cache keyed on the URL. */
  vary?: boolean;
}

const options = JSON.parse(process.argv[2] ?? '{}') as LoadOptions;
let counter = 0;
const result = await autocannon({
  url: options.url,
  connections: options.connections,
  duration: options.seconds,
  headers: options.headers,
  requests: options.vary
    ? [{ setupRequest: (req: autocannon.Request) => ({ ...req, path: `${req.path}${req.path?.includes('?') ? '&' : '?'}n=${counter++}` }) }]
    : undefined,
});
console.log(JSON.stringify({
  requestsPerSecond: result.requests.average,
  p50: result.latency.p50,
  p99: result.latency.p99,
  non2xx: result.non2xx,
  errors: result.errors,
}));
