import { bootstrap, refreshTopics } from '../bootstrap.js';
import { createLogger } from '../log.js';
import { readEnv } from '../env.js';
import { runPass } from '../worker/pass.js';
import { listSources } from '../storage/sources.js';
import { createProgress } from './progress.js';
import { formatTable } from './table.js';

export async function fetchCommand(sourceIds: string[]): Promise<number> {
  // The progress bar and the summary table report every failure; on a terminal, logs would only garble the bar.
  const ctx = await bootstrap(
    createLogger(process.stderr.isTTY ? 'error' : process.env.LOG_LEVEL ? readEnv().logLevel : 'warn'),
  );
  try {
    const unknown = sourceIds.filter((id) => !ctx.config.sources.some((s) => s.id === id));
    if (unknown.length > 0) {
      console.error(`unknown source(s): ${unknown.join(', ')}`);
      return 2;
    }
    await refreshTopics(ctx);
    const due = (await listSources(ctx.database.db)).filter((s) => s.inConfig && s.enabled && !s.gone);
    const total = sourceIds.length > 0 ? due.filter((s) => sourceIds.includes(s.id)).length : due.length;
    const progress = createProgress(total);
    const results = await runPass(ctx, {
      ...(sourceIds.length > 0 ? { ids: sourceIds } : { force: true }),
      onResult: progress.add,
    });
    progress.done();
    results.sort((a, b) => a.sourceId.localeCompare(b.sourceId));
    console.log(
      formatTable(
        ['SOURCE', 'RESULT', 'NEW', 'UPDATED', 'MERGED', 'MS'],
        results.map(({ sourceId, outcome }) => [
          sourceId,
          outcome.ok
            ? outcome.notModified
              ? 'not modified'
              : `ok ${outcome.status}`
            : `FAILED: ${outcome.error}`.slice(0, 80),
          outcome.ok ? String(outcome.stored.added) : '-',
          outcome.ok ? String(outcome.stored.updated) : '-',
          outcome.ok ? String(outcome.stored.merged) : '-',
          String(outcome.durationMs),
        ]),
      ),
    );
    const failed = results.filter((r) => !r.outcome.ok);
    const added = results.reduce((n, r) => n + (r.outcome.ok ? r.outcome.stored.added : 0), 0);
    console.log(`${results.length} sources, ${added} new items, ${failed.length} failed`);
    return sourceIds.length > 0 && failed.length > 0 ? 1 : 0;
  } finally {
    await ctx.database.close();
  }
}
