import { describe, expect, it } from 'vitest';
import { stripForbidden, truncate } from './hygiene.js';

describe('stripForbidden', () => {
  it('drops NUL, other C0 controls, U+FFFE/FFFF and lone surrogates, keeps tabs, newlines and astral characters', () => {
    expect(stripForbidden('a\u0000b\u0001c\u001Fd\tx\ny\rz\uFFFE\uFFFF')).toBe('abcd\tx\ny\rz');
    expect(stripForbidden('lone \uD800 high, lone \uDC00 low, pair \uD834\uDD1E')).toBe(
      'lone  high, lone  low, pair 𝄞',
    );
  });
});

describe('truncate', () => {
  it('cuts on a word boundary near the limit, with an ellipsis, and never splits a surrogate pair', () => {
    expect(truncate('short', 10)).toBe('short');
    expect(truncate('the quick brown fox jumps', 20)).toBe('the quick brown fox…');
    expect(truncate('x'.repeat(30), 10)).toBe(`${'x'.repeat(9)}…`);
    const cut = truncate(`${'x'.repeat(8)}𝄞𝄞`, 10);
    expect(cut).toBe(`${'x'.repeat(8)}…`);
    expect(cut.length).toBeLessThanOrEqual(10);
  });
});
