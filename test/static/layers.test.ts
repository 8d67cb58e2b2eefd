import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * What each part of src/ may import, besides itself. A part is a folder of src/ or a file directly in it; an entry
 * "folder/file" allows that one module only. Lower parts come first; the table must stay free of cycles, so a helper
 * two parts need lives in the lower one (util/ and types/ are below everything). Adding a part or an edge is a design
 * decision: make it here, on purpose.
 */
const ALLOWED: Record<string, readonly string[]> = {
  util: [],
  types: [],
  log: [],
  env: [],
  metrics: [],
  config: ['util', 'types'],
  db: ['util', 'types'],
  fetcher: ['util'],
  processor: ['util', 'types'],
  parser: ['util', 'types', 'config', 'processor'],
  topics: ['util', 'types', 'config'],
  dedup: ['util', 'types', 'db', 'processor'],
  // WebSub's protocol parts: signatures, leases, requests, discovery, the subscription store, signed POSTs.
  websub: ['util', 'types', 'config', 'db', 'fetcher'],
  fulltext: ['util', 'types', 'db', 'fetcher', 'parser', 'processor', 'metrics'],
  storage: ['util', 'types', 'config', 'db', 'processor', 'dedup', 'topics', 'metrics'],
  opml: ['util', 'types', 'config', 'processor'],
  worker: [
    'util',
    'types',
    'log',
    'config',
    'db',
    'fetcher',
    'parser',
    'processor',
    'topics',
    'dedup',
    'fulltext',
    'metrics',
    'storage',
    'websub',
  ],
  // The web side shares the context type with the worker, and two WebSub modules: the push subscriptions' state, and
  // taking in content a hub pushed (as a fetch would). The hub checks callback addresses with the fetcher's guard.
  http: [
    'util',
    'types',
    'log',
    'config',
    'db',
    'processor',
    'storage',
    'metrics',
    'opml',
    'websub',
    'worker/context',
    'worker/websub-subscriber',
    'worker/ingest-pushed',
    'fetcher/address-guard',
  ],
  reload: ['config', 'storage', 'worker/context'],
  bootstrap: ['config', 'db', 'env', 'log', 'storage', 'worker/context'],
  commands: ['util', 'types', 'log', 'env', 'config', 'db', 'storage', 'opml', 'http', 'worker', 'bootstrap', 'reload'],
  cli: ['bootstrap', 'commands', 'env', 'log', 'config'],
};

const SRC = 'src';
const IMPORT =
  /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|[\s;])import\s*\(?\s*['"]([^'"]+)['"]/gm;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** The part a path under src/ belongs to: its first folder, or the file's name for a file directly in src/. */
const partOf = (path: string) => {
  const [first, ...rest] = relative(SRC, path).split('/');
  return rest.length === 0 ? first!.replace(/\.[jt]s$/, '') : first!;
};
/** The module a path names, as the table's "folder/file" entries do. */
const moduleOf = (path: string) => relative(SRC, path).replace(/\.[jt]s$/, '');

/** Every relative import in src/ (tests excepted) that leaves its own part: [file, target path]. */
function crossingImports(): [string, string][] {
  const found: [string, string][] = [];
  for (const file of sourceFiles(SRC)) {
    for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const specifier = match[1] ?? match[2]!;
      if (!specifier.startsWith('.')) continue;
      const target = normalize(join(dirname(file), specifier));
      if (partOf(file) !== partOf(target) || target.startsWith('..')) found.push([file, target]);
    }
  }
  return found;
}

const allows = (from: string, target: string) => {
  if (target.startsWith('..')) return false;
  const part = partOf(target);
  return (ALLOWED[from] ?? []).some((entry) => entry === part || entry === moduleOf(target));
};

describe('layers', () => {
  it('the allowed-dependency table has no cycles', () => {
    const visiting = new Set<string>();
    const done = new Set<string>();
    const cycles: string[] = [];
    const visit = (part: string, path: string[]) => {
      if (done.has(part)) return;
      if (visiting.has(part)) return void cycles.push([...path, part].join(' → '));
      visiting.add(part);
      for (const entry of ALLOWED[part] ?? []) visit(entry.split('/')[0]!, [...path, part]);
      visiting.delete(part);
      done.add(part);
    };
    for (const part of Object.keys(ALLOWED)) visit(part, []);
    expect(cycles).toEqual([]);
  });

  it('every part of src/ is in the table', () => {
    const parts = new Set(sourceFiles(SRC).map(partOf));
    expect([...parts].filter((p) => !(p in ALLOWED))).toEqual([]);
    // The scan sees the imports it must judge (guards against a regex that silently matches nothing).
    expect(crossingImports().length).toBeGreaterThan(100);
  });

  it('every import runs down the table, and nothing in src/ imports from outside it', () => {
    const violations = crossingImports()
      .filter(([file, target]) => !allows(partOf(file), target))
      .map(([file, target]) => `${relative(SRC, file)} imports ${target} (${partOf(file)} → ${partOf(target)})`);
    expect(violations).toEqual([]);
  });

  it('catches an upward import (the check itself can fail)', () => {
    expect(allows('fulltext', 'src/worker/limiter.ts')).toBe(false);
    expect(allows('http', 'src/worker/scheduler.ts')).toBe(false);
    expect(allows('http', 'src/worker/context.ts')).toBe(true);
    expect(allows('parser', '../test/helpers/until.ts')).toBe(false);
  });
});
