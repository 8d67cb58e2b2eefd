import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { watchFile } from './watch.js';

describe('watchFile', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('calls onChange once for a burst of writes to the file, and not for other files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'watch-'));
    dirs.push(dir);
    const file = join(dir, 'sources.yaml');
    writeFileSync(file, 'a: 1\n');
    let changes = 0;
    const errors: Error[] = [];
    const changed = new Promise<void>((resolve) => {
      const watcher = watchFile(
        file,
        () => {
          changes++;
          watcher.close();
          resolve();
        },
        (err) => errors.push(err),
        50,
      );
      writeFileSync(join(dir, 'other.yaml'), 'x');
      writeFileSync(file, 'a: 2\n');
      writeFileSync(file, 'a: 3\n');
    });
    await changed;
    expect(changes).toBe(1);
    expect(errors).toEqual([]);
  });

  it('reports a watch that cannot be set up instead of failing silently', () => {
    const errors: Error[] = [];
    const watcher = watchFile(
      '/nonexistent-dir-for-tributary/sources.yaml',
      () => {},
      (err) => errors.push(err),
    );
    watcher.close();
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(/ENOENT/);
  });
});
