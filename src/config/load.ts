import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument, isAlias, isMap, isSeq, visit, type Node } from 'yaml';
import { configSchema, type Config } from './schema.js';

/** yaml's own default (100) would refuse ordinary anchors reused across many sources; this still stops a bomb. */
const MAX_ALIAS_COUNT = 1000;

export type ConfigResult = { ok: true; config: Config } | { ok: false; errors: string[] };

/** Parses and validates YAML text; every problem is reported as `file:line:column: path: message`. */
export function parseConfig(text: string, file: string): ConfigResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return `${file}:${line}:${col}`;
  };
  if (doc.errors.length > 0) {
    return { ok: false, errors: doc.errors.map((e) => `${at(e.pos[0])}: (yaml): ${e.message.split('\n')[0]}`) };
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    // An alias bomb (billion laughs in YAML) is refused while expanding; point at the first alias.
    return { ok: false, errors: [`${at(firstAliasOffset(doc.contents) ?? 0)}: (yaml): ${(err as Error).message}`] };
  }
  const result = configSchema.safeParse(data ?? {});
  if (result.success) return { ok: true, config: result.data };
  return {
    ok: false,
    errors: result.error.issues.map((issue) => {
      // Point unknown keys at the key itself rather than at the object holding it.
      const extra = issue.code === 'unrecognized_keys' && issue.keys.length === 1 ? issue.keys : [];
      const path = [...issue.path.map(String), ...extra];
      const node = locate(doc.contents, path);
      return `${at(node?.range?.[0] ?? 0)}: ${path.join('.') || '(root)'}: ${issue.message}`;
    }),
  };
}

export async function loadConfig(file: string): Promise<ConfigResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    return { ok: false, errors: [`${file}:1:1: (file): ${(err as Error).message}`] };
  }
  return parseConfig(text, file);
}

/** The deepest YAML node along `path`, so errors point at the offending value or its parent. */
function locate(root: unknown, path: string[]): Node | undefined {
  let node = root as Node | undefined;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => String((p.key as { value?: unknown })?.value) === key);
      if (!pair) return node;
      node = (pair.value ?? pair.key) as Node;
    } else if (isSeq(node)) {
      const child = node.items[Number(key)] as Node | undefined;
      if (!child) return node;
      node = child;
    } else {
      return node;
    }
  }
  return node;
}

function firstAliasOffset(root: unknown): number | undefined {
  let offset: number | undefined;
  visit(root as Node, {
    Alias(_key, node) {
      if (isAlias(node)) offset = node.range?.[0];
      return visit.BREAK;
    },
  });
  return offset;
}
