import { readFile, writeFile } from 'node:fs/promises';
import { parseConfig } from '../config/load.js';
import { readEnv } from '../env.js';
import { renderOpml, sourcesForOpml } from '../opml/export.js';
import { addSourcesToYaml, parseOpml } from '../opml/import.js';
import { bootstrap } from '../bootstrap.js';
import { silentLogger } from '../log.js';
import { listSources } from '../storage/sources.js';

/** `opml export` prints the sources as OPML; `opml import FILE` adds an OPML file's feeds to the YAML config. */
export async function opmlCommand(args: string[]): Promise<number> {
  const [action, file] = args;
  if (action === 'export') {
    const ctx = await bootstrap(silentLogger());
    try {
      const rows = new Map((await listSources(ctx.database.db)).map((s) => [s.id, s]));
      process.stdout.write(renderOpml(ctx.config.output.title, sourcesForOpml(ctx.config, rows)));
      return 0;
    } finally {
      await ctx.database.close();
    }
  }
  if (action === 'import' && file) {
    const { configPath } = readEnv();
    const entries = parseOpml(await readFile(file, 'utf8'));
    const current = await readFile(configPath, 'utf8').catch(() => '');
    const result = addSourcesToYaml(current, entries);
    // Never write a file the service would refuse.
    const check = parseConfig(result.yaml, configPath);
    if (!check.ok) {
      for (const line of check.errors) console.error(line);
      console.error('import aborted: the result would not be a valid configuration');
      return 1;
    }
    await writeFile(configPath, result.yaml);
    console.log(
      `${configPath}: added ${result.added.length} source(s)${result.added.length ? `: ${result.added.join(', ')}` : ''}; ` +
        `skipped ${result.skipped.length} already present`,
    );
    return 0;
  }
  console.error('usage: tributary opml import FILE | tributary opml export');
  return 2;
}
