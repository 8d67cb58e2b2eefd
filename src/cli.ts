#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { ConfigInvalidError } from './bootstrap.js';

const USAGE = `usage: tributary <command>

commands:
  serve                    scheduler + worker + HTTP server (default)
  worker                   scheduler + worker only
  web                      HTTP server only
  fetch [--source ID ...]  one pass now over all (or the named) sources
  migrate                  apply database migrations
  check                    validate the configuration
  sources                  table of sources and their health
  opml import FILE | opml export

environment: DATABASE_URL, DATA_DIR (./data), CONFIG (config/sources.yaml), PORT (8080), HOST, LOG_LEVEL`;

// Each command loads its own modules when it runs: the fetching stack (parsers, sanitizer, cheerio, dedup) is large,
// and a `web` process has no use for it.
const serveCommand = async (options: { web: boolean; worker: boolean }) => {
  if (options.worker) (await import('./commands/heap.js')).tuneIngestHeap();
  return (await import('./commands/serve.js')).serveCommand(options);
};

async function main(argv: string[]): Promise<number> {
  const [command = 'serve', ...rest] = argv;
  switch (command) {
    case 'serve':
      return serveCommand({ web: true, worker: true });
    case 'worker':
      return serveCommand({ web: false, worker: true });
    case 'web':
      return serveCommand({ web: true, worker: false });
    case 'fetch': {
      const { values } = parseArgs({ args: rest, options: { source: { type: 'string', multiple: true } } });
      (await import('./commands/heap.js')).tuneIngestHeap();
      return (await import('./commands/fetch.js')).fetchCommand(values.source ?? []);
    }
    case 'migrate':
      return (await import('./commands/migrate.js')).migrateCommand();
    case 'check':
      return (await import('./commands/check.js')).checkCommand();
    case 'sources':
      return (await import('./commands/sources.js')).sourcesCommand();
    case 'opml':
      return (await import('./commands/opml.js')).opmlCommand(rest);
    case 'help':
    case '--help':
    case '-h':
      console.log(USAGE);
      return 0;
    default:
      console.error(`unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof ConfigInvalidError) {
      for (const line of err.problems) console.error(line);
      console.error('refusing to start: fix the configuration (see `tributary check`)');
    } else {
      console.error(`tributary: ${err instanceof Error ? err.message : String(err)}`);
    }
    process.exit(1);
  },
);
