import { parseConfig } from '../../src/config/load.js';
import type { Database } from '../../src/db/client.js';
import { silentLogger } from '../../src/log.js';
import { syncSources } from '../../src/storage/sources.js';
import { syncTopics } from '../../src/storage/topics.js';
import { createContext, type AppContext } from '../../src/worker/context.js';

/** A context from YAML text, with sources and topics synced into the database. */
export async function contextFromYaml(yaml: string, database: Database): Promise<AppContext> {
  const parsed = parseConfig(yaml, 'test.yaml');
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  await syncSources(database.db, parsed.config);
  await syncTopics(database.db, parsed.config);
  return createContext({ config: parsed.config, configPath: 'test.yaml', database, log: silentLogger() });
}

type Delivery = AppContext['config']['output']['websub']['delivery'];

/** The same context with some WebSub delivery settings replaced (as a config reload would). */
export function withDelivery(ctx: AppContext, delivery: Partial<Delivery>): AppContext {
  const { output } = ctx.config;
  return {
    ...ctx,
    config: {
      ...ctx.config,
      output: { ...output, websub: { ...output.websub, delivery: { ...output.websub.delivery, ...delivery } } },
    },
  };
}
