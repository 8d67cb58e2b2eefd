import type { PassResult } from '../worker/pass.js';

export interface Progress {
  add(result: PassResult): void;
  done(): void;
}

const describe = ({ sourceId, outcome }: PassResult) =>
  outcome.ok
    ? `${sourceId}: ${outcome.notModified ? 'not modified' : `${outcome.stored.added} new, ${outcome.stored.updated} updated`}`
    : `${sourceId}: FAILED ${outcome.error}`;

/**
 * On a terminal, one bar redrawn in place (sources done / total, new items, failures); elsewhere (logs, CI) a plain
 * line per source, since carriage returns make a mess of captured output.
 */
export function createProgress(total: number, out: NodeJS.WriteStream = process.stderr): Progress {
  let finished = 0;
  let added = 0;
  let failed = 0;
  const draw = () => {
    const width = 30;
    const filled = total === 0 ? width : Math.round((finished / total) * width);
    const bar = `${'#'.repeat(filled)}${'-'.repeat(width - filled)}`;
    out.write(`\r[${bar}] ${finished}/${total} sources · ${added} new · ${failed} failed\x1b[K`);
  };
  if (out.isTTY) draw();
  return {
    add(result) {
      finished++;
      if (result.outcome.ok) added += result.outcome.stored.added;
      else failed++;
      if (out.isTTY) draw();
      else out.write(`${describe(result)}\n`);
    },
    done() {
      if (out.isTTY) out.write('\n');
    },
  };
}
