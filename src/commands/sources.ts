import { bootstrap } from '../bootstrap.js';
import { silentLogger } from '../log.js';
import { listSources, sourceStatus } from '../storage/sources.js';
import { shortTime } from '../util/time.js';
import { formatTable } from './table.js';

export async function sourcesCommand(): Promise<number> {
  const ctx = await bootstrap(silentLogger());
  try {
    const rows = await listSources(ctx.database.db);
    console.log(
      formatTable(
        ['ID', 'STATUS', 'HTTP', 'FAILS', 'LAST SUCCESS', 'NEXT POLL', 'ARTICLES', 'ERROR'],
        rows.map((s) => [
          s.id,
          sourceStatus(s),
          s.lastStatus?.toString() ?? '-',
          String(s.consecutiveFailures),
          shortTime(s.lastSuccessAt),
          shortTime(s.nextFetchAt),
          String(s.articleCount),
          (s.lastError ?? '').slice(0, 80),
        ]),
      ),
    );
    const moved = rows.filter((s) => s.currentUrl && s.currentUrl !== s.url);
    for (const s of moved)
      console.log(
        `note: ${s.id} is now fetched from ${s.currentUrl} (moved permanently, or the feed its page advertises); update its url in the config`,
      );
    for (const s of rows.filter((r) => r.notice)) console.log(`note: ${s.id}: ${s.notice}`);
    return 0;
  } finally {
    await ctx.database.close();
  }
}
