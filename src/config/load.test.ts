import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from './load.js';

describe('parseConfig', () => {
  it('fills defaults and converts units', () => {
    const result = parseConfig('sources:\n  - id: a\n    url: https://a.example/feed\n    interval: 30m\n', 'c.yaml');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.defaults).toMatchObject({
      interval: 15 * 60_000,
      timeout: 20_000,
      maxBytes: 10 * 1024 * 1024,
    });
    expect(result.config.sources[0]).toMatchObject({ id: 'a', interval: 30 * 60_000, enabled: true, tags: [] });
    expect(result.config.output).toEqual({
      title: 'Tributary',
      limit: 50,
      trustProxy: false,
      cacheSize: 32 * 1024 * 1024,
      websub: expect.objectContaining({ enabled: true }),
      top: { window: 24 * 3_600_000, limit: 20, minOutlets: 2 },
    });
    expect(result.config.metrics).toEqual({ loopbackOnly: false });
  });

  it('reads the output and metrics options', () => {
    const result = parseConfig(
      [
        'output: { baseUrl: "https://news.example/tributary/", trustProxy: true, cacheSize: 8MiB }',
        'metrics: { token: "0123456789abcdef", loopbackOnly: true }',
      ].join('\n'),
      'c.yaml',
    );
    if (!result.ok) throw new Error(result.errors.join('\n'));
    expect(result.config.output).toMatchObject({
      baseUrl: 'https://news.example/tributary',
      trustProxy: true,
      cacheSize: 8 * 1024 * 1024,
    });
    expect(result.config.metrics).toEqual({ token: '0123456789abcdef', loopbackOnly: true });
  });

  it('refuses a base URL with a query or credentials, and a short metrics token', () => {
    const result = parseConfig(
      'output:\n  baseUrl: "https://u:p@news.example/?x=1"\nmetrics:\n  token: short\n',
      'c.yaml',
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([
      expect.stringMatching(/^c\.yaml:2:\d+: output\.baseUrl: must be scheme, host and optional path only/),
      expect.stringMatching(/^c\.yaml:4:\d+: metrics\.token: must be at least 16 characters/),
    ]);
  });

  it('reads the top-stories defaults, a window from 6h to 7d, and keeps "top" from being a topic id', () => {
    const ok = parseConfig('output:\n  top: { window: 2d, limit: 10, minOutlets: 3 }\n', 'c.yaml');
    if (!ok.ok) throw new Error(ok.errors.join('\n'));
    expect(ok.config.output.top).toEqual({ window: 2 * 86_400_000, limit: 10, minOutlets: 3 });
    const bad = parseConfig('output:\n  top: { window: 8d }\ntopics:\n  - { id: top, include: [x] }\n', 'c.yaml');
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.errors).toEqual([
      expect.stringMatching(/^c\.yaml:2:\d+: output\.top\.window: must be at most 7d/),
      expect.stringMatching(/^c\.yaml:4:\d+: topics\.0\.id: "top" is reserved/),
    ]);
    const short = parseConfig('output:\n  top: { window: 1h }\n', 'c.yaml');
    expect(short.ok ? [] : short.errors).toEqual([expect.stringMatching(/output\.top\.window: must be at least 6h/)]);
  });

  it('refuses a YAML alias bomb with the place of the first alias', () => {
    const rows = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (const [name, prev] of [
      ['b', 'a'],
      ['c', 'b'],
      ['d', 'c'],
      ['e', 'd'],
      ['f', 'e'],
      ['g', 'f'],
    ]) {
      rows.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const result = parseConfig(rows.join('\n'), 'bomb.yaml');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([expect.stringMatching(/^bomb\.yaml:2:8: \(yaml\): .*alias/i)]);
  });

  it('locates YAML syntax errors', () => {
    const result = parseConfig('sources:\n  - id: a\n    url: [unclosed\n', 'c.yaml');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors[0]).toMatch(/^c\.yaml:\d+:\d+: \(yaml\): /);
  });

  it('reports every invalid field as file:line:column: path: message', () => {
    const yaml = [
      'defaults:',
      '  interval: 10s',
      'sources:',
      '  - id: Bad_Id',
      '    url: not-a-url',
      '  - id: ok',
      '    url: https://ok.example/rss',
      '    colour: blue',
      'topics:',
      '  - id: t',
      '    sources: [missing]',
    ].join('\n');
    const result = parseConfig(yaml, 'sources.yaml');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^sources\.yaml:2:13: defaults\.interval: must be at least 1m$/),
        expect.stringMatching(/^sources\.yaml:4:9: sources\.0\.id: must match \[a-z0-9-\]\+/),
        expect.stringMatching(/^sources\.yaml:5:10: sources\.0\.url: must be an absolute http\(s\) URL$/),
        expect.stringMatching(/^sources\.yaml:8:13: sources\.1\.colour: Unrecognized key: "colour"$/),
      ]),
    );
    expect(result.errors).toHaveLength(4);
  });

  it('checks cross references once the fields are valid', () => {
    const result = parseConfig('sources: []\ntopics:\n  - id: t\n    sources: [missing]\n', 'c.yaml');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors).toEqual(['c.yaml:4:15: topics.0.sources.0: unknown source "missing"']);
  });

  it('refuses duplicate ids', () => {
    const result = parseConfig(
      'sources:\n  - { id: a, url: "https://a.example/" }\n  - { id: a, url: "https://b.example/" }\n',
      'c.yaml',
    );
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors).toEqual(['c.yaml:3:11: sources.1.id: duplicate source id "a"']);
  });

  it('accepts the shipped config/sources.yaml', async () => {
    const result = await loadConfig('config/sources.yaml');
    expect(result.ok ? [] : result.errors).toEqual([]);
    if (result.ok) expect(result.config.topics.map((t) => t.id)).toEqual(['defense', 'space', 'energy']);
  });

  it('reports a missing file', async () => {
    const result = await loadConfig('does/not/exist.yaml');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]).toMatch(/^does\/not\/exist\.yaml:1:1: \(file\): ENOENT/);
  });
});
