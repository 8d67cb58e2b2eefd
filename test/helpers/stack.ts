import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Database } from '../../src/db/client.js';
import { buildServer } from '../../src/http/server.js';
import type { AppContext } from '../../src/worker/context.js';
import { contextFromYaml } from './context.js';
import type { TestDatabase } from './database.js';
import { startFixtureServer, type FixtureServer, type Route } from './fixture-server.js';

/** Everything an end-to-end test runs against: fixture feeds, a database, a context and the HTTP server. */
export interface Stack {
  feeds: FixtureServer;
  database: Database;
  /** Replaceable: the server reads it through a getter, as after a config reload. */
  ctx: AppContext;
  app: FastifyInstance;
  /** Base URL of the Tributary server. */
  base: string;
  close(): Promise<void>;
}

/** Starts fixture feeds on 127.0.0.1, opens the database, syncs the config from `yaml(feedsUrl)`, starts the server. */
export async function startStack(
  testDb: TestDatabase,
  routes: Record<string, Route>,
  yaml: (feedsUrl: string) => string,
): Promise<Stack> {
  const feeds = await startFixtureServer(routes);
  const database = await testDb.open();
  const stack = { feeds, database } as Stack;
  stack.ctx = await contextFromYaml(yaml(feeds.url), database);
  stack.app = buildServer(() => stack.ctx, { versionTtlMs: 0 });
  await stack.app.listen({ port: 0, host: '127.0.0.1' });
  stack.base = `http://127.0.0.1:${(stack.app.server.address() as AddressInfo).port}`;
  stack.close = async () => {
    await stack.app.close();
    await database.close();
    await feeds.close();
  };
  return stack;
}
