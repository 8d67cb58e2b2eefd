import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configJsonSchema } from '../../src/config/json-schema.js';
import { parseConfig } from '../../src/config/load.js';

// The documentation is checked like code: a moved file, a renamed heading or a new config key or metric that the
// docs do not follow fails here instead of misleading the next reader.
const DOCS = [
  'README.md',
  'CONTRIBUTING.md',
  ...readdirSync('docs')
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
const read = (file: string) => readFileSync(file, 'utf8');
/** Markdown without its fenced code blocks, where link-like text is not a link. */
const prose = (text: string) => text.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, '');
/** Fenced blocks of one language. */
const blocks = (text: string, lang: string) =>
  [...text.matchAll(new RegExp(`^\`\`\`${lang}\\n([\\s\\S]*?)^\`\`\`$`, 'gm'))].map((m) => m[1]!);

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes. */
function anchors(markdown: string): Set<string> {
  const slugs = new Set<string>();
  for (const [, heading] of prose(markdown).matchAll(/^#{1,6}\s+(.+)$/gm)) {
    slugs.add(
      heading!
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, '')
        .replace(/\s/g, '-'),
    );
  }
  return slugs;
}

describe('documentation', () => {
  it('keeps the README short', () => {
    const lines = read('README.md').split('\n').length;
    expect(lines, 'README.md lines (move detail into docs/)').toBeLessThanOrEqual(150);
  });

  it('has no relative link that does not resolve, to a file or to a heading in it', () => {
    const broken: string[] = [];
    for (const file of DOCS) {
      for (const [, target] of prose(read(file)).matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(target!)) continue; // http:, https:, mailto:
        const [path, anchor] = target!.split('#');
        const resolved = path ? normalize(join(dirname(file), path)) : file;
        if (!existsSync(resolved)) {
          broken.push(`${file}: ${target} (no ${resolved})`);
        } else if (anchor && !(statSync(resolved).isFile() && anchors(read(resolved)).has(anchor))) {
          broken.push(`${file}: ${target} (no heading #${anchor} in ${resolved})`);
        }
      }
    }
    expect(broken).toEqual([]);
  });

  it('refers to nothing a reader of the repository does not have', () => {
    const outside = DOCS.flatMap((file) =>
      read(file)
        .split('\n')
        .map((line, i) => ({ where: `${file}:${i + 1}`, line })),
    ).filter(({ line }) => /PRODUCT\.md|NOTES\.md|\bissue \d+|\bissues? #\d+/i.test(line));
    expect(outside.map((o) => `${o.where}: ${o.line}`)).toEqual([]);
  });

  it('gives YAML examples that the configuration schema accepts', () => {
    const problems: string[] = [];
    let examples = 0;
    for (const file of DOCS) {
      for (const yaml of blocks(read(file), 'yaml')) {
        examples++;
        const result = parseConfig(yaml, file);
        if (!result.ok) problems.push(...result.errors);
      }
    }
    expect(examples).toBeGreaterThanOrEqual(2);
    expect(problems).toEqual([]);
  });

  it('shows every configuration key in the full example of docs/configuration.md', () => {
    const [full] = blocks(read('docs/configuration.md'), 'yaml');
    const documented = keyPaths(parse(full!) as unknown);
    const schemaPaths: string[] = [];
    const walk = (schema: Record<string, unknown>, path: string) => {
      const properties = schema.properties as Record<string, Record<string, unknown>> | undefined;
      for (const [key, sub] of Object.entries(properties ?? {})) {
        schemaPaths.push(`${path}${key}`);
        walk(sub, `${path}${key}.`);
      }
      const items = schema.items as Record<string, unknown> | undefined;
      if (items && schema.type === 'array') walk(items, path.replace(/\.$/, '[].'));
    };
    walk(configJsonSchema(), '');
    expect(schemaPaths.length).toBeGreaterThan(30);
    expect(schemaPaths.filter((p) => !documented.has(p))).toEqual([]);
  });

  it('lists every metric Tributary registers in docs/operations.md', () => {
    const operations = read('docs/operations.md');
    const registered = [...read('src/metrics/registry.ts').matchAll(/name: '(tributary_[a-z_]+)'/g)].map((m) => m[1]!);
    expect(registered.length).toBeGreaterThan(5);
    expect(registered.filter((name) => !operations.includes(`\`${name}\``))).toEqual([]);
    expect(operations).toContain('tributary_process_');
  });

  it('shows a layout in CONTRIBUTING.md with exactly the entries of src/', () => {
    const tree = /^src\/\n([\s\S]*?)^\S/m.exec(read('CONTRIBUTING.md'))?.[1] ?? '';
    const listed = [...tree.matchAll(/^ {2}(\S+)/gm)].map((m) => m[1]!.replace(/\/$/, '')).sort();
    const actual = readdirSync('src')
      .filter((name) => !name.endsWith('.test.ts'))
      .sort();
    expect(listed).toEqual(actual);
  });
});

/** "a.b", "list[].c" for every key of a parsed YAML document, array items merged. */
function keyPaths(value: unknown, path = '', into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const item of value) keyPaths(item, path.replace(/\.$/, '[].'), into);
  } else if (value && typeof value === 'object') {
    for (const [key, sub] of Object.entries(value)) {
      into.add(`${path}${key}`);
      keyPaths(sub, `${path}${key}.`, into);
    }
  }
  return into;
}
