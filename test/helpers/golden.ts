import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

/** Where the checked-in reference files live: test/fixtures/golden/<name>. */
export const goldenPath = (name: string) => fileURLToPath(new URL(`../fixtures/golden/${name}`, import.meta.url));

/**
 * Compares `actual` with the checked-in reference file. A missing reference fails: only UPDATE_GOLDEN=1 writes or
 * rewrites one (then review the diff), so a test can never pass by creating its own expectation.
 */
export function expectGolden(name: string, actual: string): void {
  const path = goldenPath(name);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
  }
  expect(existsSync(path), `${path} is missing: run with UPDATE_GOLDEN=1 and review it`).toBe(true);
  expect(actual).toBe(readFileSync(path, 'utf8'));
}
