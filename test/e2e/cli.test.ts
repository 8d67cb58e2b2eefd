import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPostgresUrl } from '../helpers/database.js';
import { startFixtureServer, type FixtureServer } from '../helpers/fixture-server.js';
import { missingPostgres } from '../helpers/requirements.js';

const run = promisify(execFile);

/** Runs the real CLI entry point (through tsx, so no build is needed) and returns its exit code and output. */
async function tributary(args: string[], env: Record<string, string>) {
  try {
    const { stdout, stderr } = await run('node', ['--import', 'tsx', 'src/cli.ts', ...args], {
      env: { ...process.env, LOG_LEVEL: 'warn', ...env },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('tributary CLI', () => {
  let dir: string;
  let feeds: FixtureServer;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tributary-cli-'));
    feeds = await startFixtureServer({
      '/ok.xml': {
        headers: { 'content-type': 'application/rss+xml' },
        body: '<rss version="2.0"><channel><title>OK</title><item><title>Hello</title><guid>1</guid></item></channel></rss>',
      },
      '/down.xml': { status: 503, body: 'down' },
    });
    writeFileSync(
      join(dir, 'good.yaml'),
      `sources:\n  - { id: ok, url: "${feeds.url}/ok.xml" }\n  - { id: down, url: "${feeds.url}/down.xml" }\n`,
    );
    writeFileSync(join(dir, 'bad.yaml'), 'sources:\n  - id: ok\n    url: ftp://nope\n    interval: soon\n');
    writeFileSync(join(dir, 'broken.yaml'), 'sources: [\n');
  });

  afterAll(async () => {
    await feeds.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('check accepts a valid file', async () => {
    const result = await tributary(['check'], { CONFIG: join(dir, 'good.yaml') });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('OK (2 sources, 0 topics)');
  });

  it('check lists every problem with its location and exits non-zero', async () => {
    const file = join(dir, 'bad.yaml');
    const result = await tributary(['check'], { CONFIG: file });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${file}:3:10: sources.0.url: must be an absolute http(s) URL`);
    expect(result.stderr).toContain(`${file}:4:15: sources.0.interval: not a duration: "soon"`);
  });

  it('check reports malformed YAML', async () => {
    const file = join(dir, 'broken.yaml');
    const result = await tributary(['check'], { CONFIG: file });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:\\d+:\\d+: \\(yaml\\):`));
  });

  it('serve refuses to start on an invalid config', async () => {
    const result = await tributary(['serve'], {
      CONFIG: join(dir, 'bad.yaml'),
      DATA_DIR: join(dir, 'never'),
      PORT: '0',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('refusing to start');
  });

  it('opml import adds feeds to the config, export lists them', async () => {
    const config = join(dir, 'opml.yaml');
    writeFileSync(config, '# comment kept\nsources:\n  - id: ok\n    url: "' + feeds.url + '/ok.xml"\n');
    const opml = join(dir, 'in.opml');
    writeFileSync(
      opml,
      '<opml version="2.0"><body><outline text="Tech"><outline text="Example News" xmlUrl="https://news.example/rss"/></outline></body></opml>',
    );
    const imported = await tributary(['opml', 'import', opml], { CONFIG: config });
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain('added 1 source(s): example-news');
    expect((await tributary(['check'], { CONFIG: config })).stdout).toContain('OK (2 sources');
    const exported = await tributary(['opml', 'export'], { CONFIG: config, DATA_DIR: join(dir, 'opml-data') });
    expect(exported.code).toBe(0);
    expect(exported.stdout).toMatch(/<outline [^>]*xmlUrl="https:\/\/news\.example\/rss" category="\/tech"\/>/);
  }, 120_000);

  for (const database of ['pglite', 'postgres'] as const) {
    it.skipIf(database === 'postgres' && missingPostgres('the CLI test on Postgres'))(
      `migrate, fetch and sources work on ${database}`,
      async () => {
        const fresh = database === 'postgres' ? await freshPostgresUrl(process.env.TEST_DATABASE_URL!) : undefined;
        const env = {
          CONFIG: join(dir, 'good.yaml'),
          DATA_DIR: join(dir, 'data'),
          ...(fresh ? { DATABASE_URL: fresh.url } : {}),
        };
        try {
          expect((await tributary(['migrate'], env)).code).toBe(0);
          const fetched = await tributary(['fetch'], env);
          expect(fetched.code).toBe(0);
          expect(fetched.stdout).toMatch(/2 sources, 1 new items, 1 failed/);
          const named = await tributary(['fetch', '--source', 'down'], env);
          expect(named.code).toBe(1);
          const sources = await tributary(['sources'], env);
          expect(sources.code).toBe(0);
          expect(sources.stdout).toMatch(/^down\s+failing\s+503\s+2\s/m);
          expect(sources.stdout).toMatch(/^ok\s+ok\s+200\s+0\s.*\s1\s*$/m);
        } finally {
          await fresh?.drop();
        }
      },
      180_000,
    );
  }
});
