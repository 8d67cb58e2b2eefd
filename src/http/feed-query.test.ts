import { describe, expect, it } from 'vitest';
import { encodeCursor } from './cursor.js';
import { canonicalParams, parseFeedQuery, type FeedQuery } from './feed-query.js';

const ok = (raw: Record<string, unknown>): FeedQuery => {
  const result = parseFeedQuery(raw, 50);
  if (!result.ok) throw new Error(result.message);
  return result.query;
};
const refusal = (raw: Record<string, unknown>) => {
  const result = parseFeedQuery(raw, 50);
  return result.ok ? undefined : result.message;
};

describe('feed query', () => {
  it('reads limit, cursor, search, source and tag, and ignores other parameters', () => {
    const before = encodeCursor(new Date('2026-11-02T09:00:00Z'), 7);
    expect(
      ok({ limit: '10', before, q: 'air defence', source: 'wire', tag: 'space', cb: '123', utm_source: 'x' }),
    ).toEqual({
      limit: 10,
      before: { publishedAt: new Date('2026-11-02T09:00:00Z'), id: 7 },
      q: 'air defence',
      source: 'wire',
      tag: 'space',
    });
    expect(ok({})).toEqual({ limit: 50 });
    expect(ok({ q: '', source: '', tag: '' })).toEqual({ limit: 50 });
    expect(ok({ limit: '007' }).limit).toBe(7);
    expect(ok({ limit: '200' }).limit).toBe(200);
  });

  it('takes a limit only as plain decimal digits from 1 to 200', () => {
    for (const limit of ['1e2', '0x10', ' 10', '10 ', '+10', '-1', '0', '201', '10.0', '', '１０', '99999999999']) {
      expect(refusal({ limit }), limit).toMatch(/^query parameter "limit" must be a whole number from 1 to 200$/);
    }
  });

  it('refuses a cursor it did not write', () => {
    for (const before of [
      '',
      'garbage!',
      Buffer.from(`${Date.UTC(20000, 0, 1)}:1`).toString('base64url'),
      Buffer.from('0:0').toString('base64url'),
    ]) {
      expect(refusal({ before }), before).toMatch(/^query parameter "before" is not a valid cursor/);
    }
  });

  it('refuses control characters in free text, naming the parameter', () => {
    for (const name of ['q', 'source', 'tag']) {
      for (const value of ['a\u0000b', 'tab\there', 'line\nbreak', '\u007f', '\u0085', 'lone \ud800']) {
        expect(refusal({ [name]: value }), `${name}=${JSON.stringify(value)}`).toBe(
          `query parameter "${name}" contains control characters`,
        );
      }
    }
    expect(ok({ q: 'emoji \ud83d\ude00 and accents éü' }).q).toBe('emoji \ud83d\ude00 and accents éü');
  });

  it('refuses repeated and overlong parameters', () => {
    expect(refusal({ limit: ['1', '2'] })).toBe('query parameter "limit" must be given once');
    expect(refusal({ q: ['a', 'b'] })).toBe('query parameter "q" must be given once');
    expect(refusal({ q: 'x'.repeat(501) })).toBe('query parameter "q" is too long (500 characters at most)');
    expect(refusal({ tag: 'x'.repeat(201) })).toBe('query parameter "tag" is too long (200 characters at most)');
  });

  it('spells equal queries the same way', () => {
    const before = encodeCursor(new Date(0), 3);
    const a = canonicalParams(ok({ tag: 't', q: 'x y', limit: '50', cb: '1', before }), 50).toString();
    const b = canonicalParams(ok({ before, q: 'x y', tag: 't', cb: '2' }), 50).toString();
    expect(a).toBe(b);
    expect(a).toBe(`q=x+y&tag=t&before=${before}`);
    expect(canonicalParams(ok({ limit: '010' }), 50).toString()).toBe('limit=10');
  });
});
