import { describe, expect, it } from 'vitest';
import type { PassResult } from '../worker/pass.js';
import { createProgress } from './progress.js';

const ok = (sourceId: string, added: number): PassResult => ({
  sourceId,
  outcome: {
    ok: true,
    status: 200,
    notModified: false,
    items: added,
    durationMs: 5,
    stored: { added, updated: 0, unchanged: 0, merged: 0, expired: 0 },
  },
});
const failed = (sourceId: string): PassResult => ({
  sourceId,
  outcome: { ok: false, status: 500, error: 'HTTP 500', durationMs: 5 },
});

function stream(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, out: { isTTY, write: (text: string) => writes.push(text) } as unknown as NodeJS.WriteStream };
}

describe('fetch progress', () => {
  it('redraws one bar in place on a terminal', () => {
    const { writes, out } = stream(true);
    const progress = createProgress(4, out);
    progress.add(ok('a', 3));
    progress.add(failed('b'));
    progress.done();
    expect(writes[0]).toBe(`\r[${'-'.repeat(30)}] 0/4 sources · 0 new · 0 failed\x1b[K`);
    expect(writes[2]).toBe(`\r[${'#'.repeat(15)}${'-'.repeat(15)}] 2/4 sources · 3 new · 1 failed\x1b[K`);
    expect(writes.at(-1)).toBe('\n');
  });

  it('prints a plain line per source when not on a terminal', () => {
    const { writes, out } = stream(false);
    const progress = createProgress(2, out);
    progress.add(ok('a', 3));
    progress.add(failed('b'));
    progress.done();
    expect(writes).toEqual(['a: 3 new, 0 updated\n', 'b: FAILED HTTP 500\n']);
  });
});
