import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Verification {
  path: string;
  params: Record<string, string>;
}
export interface Delivery {
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** How a callback path answers: echo the challenge or not, and the status of content deliveries. */
export interface CallbackBehaviour {
  echo?: boolean;
  deliveryStatus?: number;
  /** Take deliveries and never answer. */
  hang?: boolean;
}

/** A WebSub subscriber (or external hub) on 127.0.0.1 recording verifications and deliveries, by callback path. */
export interface TestSubscriber {
  url: string;
  verifications: Verification[];
  deliveries: Delivery[];
  behaviour: Map<string, CallbackBehaviour>;
  /** Answers the deliveries held by `hang` callbacks with 503. */
  release(): void;
  close(): Promise<void>;
}

export async function startSubscriber(): Promise<TestSubscriber> {
  const verifications: Verification[] = [];
  const deliveries: Delivery[] = [];
  const behaviour = new Map<string, CallbackBehaviour>();
  const held: ServerResponse[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const how = behaviour.get(url.pathname) ?? {};
    if (req.method === 'GET') {
      const params = Object.fromEntries(url.searchParams);
      verifications.push({ path: url.pathname, params });
      if (how.echo === false) return res.writeHead(404).end('no such subscription');
      return res.writeHead(200, { 'content-type': 'text/plain' }).end(params['hub.challenge'] ?? '');
    }
    const chunks: Buffer[] = [];
    req
      .on('data', (chunk: Buffer) => chunks.push(chunk))
      .on('end', () => {
        deliveries.push({ path: url.pathname, headers: req.headers, body: Buffer.concat(chunks) });
        if (how.hang) return held.push(res);
        res.writeHead(how.deliveryStatus ?? 204).end();
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    verifications,
    deliveries,
    behaviour,
    release: () => held.splice(0).forEach((res) => res.writeHead(503).end()),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
