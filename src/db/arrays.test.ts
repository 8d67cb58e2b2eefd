import { describe, expect, it } from 'vitest';
import { jsonChunks } from './arrays.js';

describe('jsonChunks', () => {
  it('splits rows into JSON arrays of bounded size, in order, losing none', () => {
    const rows = Array.from({ length: 40 }, (_, i) => ({ i, text: 'x'.repeat(100 + i) }));
    const chunks = jsonChunks(rows, 1000);
    expect(chunks.length).toBeGreaterThan(4);
    for (const chunk of chunks) expect(chunk.length).toBeLessThanOrEqual(1000 + 2);
    expect(chunks.flatMap((c) => JSON.parse(c) as unknown[])).toEqual(rows);
  });

  it('sends a row larger than the bound alone, and nothing for no rows', () => {
    const chunks = jsonChunks([{ a: 1 }, { big: 'y'.repeat(5000) }, { b: 2 }], 1000);
    expect(chunks.map((c) => (JSON.parse(c) as unknown[]).length)).toEqual([1, 1, 1]);
    expect(jsonChunks([])).toEqual([]);
  });
});
