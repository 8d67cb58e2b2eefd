import { loadConfig } from './config/load.js';
import { syncSources } from './storage/sources.js';
import { syncTopics } from './storage/topics.js';
import { createContext, type AppContext } from './worker/context.js';

export type ReloadResult = { ok: true; ctx: AppContext; changed: boolean } | { ok: false; errors: string[] };

/**
 * Re-reads the YAML file. A valid file becomes the new context (sources and topics synced; the caller re-matches
 * changed topics with `refreshTopics`, which can take a while); an invalid one changes nothing and every problem is
 * logged with its location.
 */
export async function reloadConfig(ctx: AppContext): Promise<ReloadResult> {
  const loaded = await loadConfig(ctx.configPath);
  if (!loaded.ok) {
    ctx.log.error(
      { file: ctx.configPath, problems: loaded.errors },
      'config reload refused: keeping the last good configuration',
    );
    for (const problem of loaded.errors) ctx.log.error(problem);
    return { ok: false, errors: loaded.errors };
  }
  if (JSON.stringify(loaded.config) === JSON.stringify(ctx.config)) return { ok: true, ctx, changed: false };
  await syncSources(ctx.database.db, loaded.config);
  await syncTopics(ctx.database.db, loaded.config);
  const next = createContext({ ...ctx, config: loaded.config });
  ctx.log.info({ sources: loaded.config.sources.length, topics: loaded.config.topics.length }, 'config reloaded');
  return { ok: true, ctx: next, changed: true };
}
