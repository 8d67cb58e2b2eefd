import { describe, expect, it } from 'vitest';
import { compileTopic } from './match.js';

const matcher = (include: string[], exclude: string[] = [], extra: { tags?: string[]; sources?: string[] } = {}) =>
  compileTopic({ id: 't', include, exclude, ...extra });
const hit = (m: ReturnType<typeof matcher>, title: string, text = '', sourceId = 's', sourceTags: string[] = []) =>
  m.matches({ title, text, sourceId, sourceTags });

describe('topic matching', () => {
  it('matches whole words only, case- and accent-insensitively', () => {
    const nato = matcher(['NATO']);
    expect(hit(nato, 'NATO summit opens')).toBe(true);
    expect(hit(nato, 'nato summit')).toBe(true);
    expect(hit(nato, 'The donation drive')).toBe(false);
    expect(hit(nato, 'Senator Smith')).toBe(false);
    expect(hit(nato, '', 'Allies (NATO) met.')).toBe(true);
    expect(hit(matcher(['défense']), 'Defense budget')).toBe(true);
    expect(hit(matcher(['Zürich']), 'ZURICH talks')).toBe(true);
  });

  it('uses prefixes only where the rule says so', () => {
    expect(hit(matcher(['rocket']), 'Rocket salad recipe')).toBe(true);
    expect(hit(matcher(['rocket']), 'Rockets launched')).toBe(false);
    expect(hit(matcher(['rocket*']), 'Rockets launched')).toBe(true);
    expect(hit(matcher(['Ukraine']), 'Ukrainian cuisine')).toBe(false);
    expect(hit(matcher(['Ukrain*']), 'Ukrainian cuisine')).toBe(true);
    expect(hit(matcher(['Ukrain*']), 'Kukraine')).toBe(false);
  });

  it('matches phrases as words in sequence, across hyphens and line breaks', () => {
    const phrase = matcher(['air defence']);
    expect(hit(phrase, 'New air defence shield')).toBe(true);
    expect(hit(phrase, 'air-defence systems')).toBe(true);
    expect(hit(phrase, '', 'the air\ndefence plan')).toBe(true);
    expect(hit(phrase, 'defence of the air')).toBe(false);
    expect(hit(phrase, 'hair defence')).toBe(false);
  });

  it('applies exclusions and source restrictions', () => {
    const m = matcher(['NATO'], ['football']);
    expect(hit(m, 'NATO football match')).toBe(false);
    expect(hit(matcher([], ['football']), 'Anything else')).toBe(true);
    const tagged = matcher(['NATO'], [], { tags: ['defense'] });
    expect(hit(tagged, 'NATO', '', 's', ['defense'])).toBe(true);
    expect(hit(tagged, 'NATO', '', 's', ['sport'])).toBe(false);
    const sourced = matcher(['NATO'], [], { sources: ['spacewar'] });
    expect(hit(sourced, 'NATO', '', 'spacewar')).toBe(true);
    expect(hit(sourced, 'NATO', '', 'other')).toBe(false);
  });

  it('treats regex characters in terms literally', () => {
    expect(hit(matcher(['C++']), 'C++ compilers')).toBe(true);
    expect(hit(matcher(['C++']), 'Cxx compilers')).toBe(false);
    expect(hit(matcher(['F-35']), 'The F-35 jet')).toBe(true);
    expect(hit(matcher(['a.b']), 'axb')).toBe(false);
  });
});
