import { loadConfig } from './config/load.js';
import { openDatabase } from './db/client.js';
import { readEnv } from './env.js';
import { createLogger, type Logger } from './log.js';
import { syncSources } from './storage/sources.js';
import { reevaluateTopic, syncTopics } from './storage/topics.js';
import { createContext, type AppContext } from './worker/context.js';

export class ConfigInvalidError extends Error {
  constructor(readonly problems: string[]) {
    super(`configuration is invalid:\n${problems.join('\n')}`);
  }
}

/** Load and validate the config, open and migrate the database, bring sources and topics in line with the file. */
export async function bootstrap(log: Logger = createLogger(readEnv().logLevel)): Promise<AppContext> {
  const env = readEnv();
  const loaded = await loadConfig(env.configPath);
  if (!loaded.ok) throw new ConfigInvalidError(loaded.errors);
  const database = await openDatabase({ url: env.databaseUrl, dataDir: env.dataDir });
  try {
    await database.migrate();
    await syncSources(database.db, loaded.config);
    // Topic rows must exist before the first pass links stories to them; re-matching old stories comes later.
    await syncTopics(database.db, loaded.config);
  } catch (err) {
    await database.close();
    throw err;
  }
  log.debug({ database: database.kind, sources: loaded.config.sources.length }, 'database ready');
  return createContext({ config: loaded.config, configPath: env.configPath, database, log });
}

/** Re-matches stories for topics whose definition changed, without holding up the caller. */
export async function refreshTopics(ctx: AppContext): Promise<void> {
  const stale = await syncTopics(ctx.database.db, ctx.config);
  for (const topic of stale) {
    const matched = await reevaluateTopic(ctx.database.db, topic);
    ctx.log.info({ topic: topic.id, matched }, 'topic evaluated');
  }
}
