import { describe, expect, it } from 'vitest';
import { fingerprint, sameStory } from '../../src/dedup/same-story.js';
import { decodeBody } from '../../src/parser/decode.js';
import { parseFeed } from '../../src/parser/parse.js';
import { foldText } from '../../src/util/text.js';
import { normalizeFeed } from '../../src/processor/normalize.js';
import { corpusFiles, missingCorpus } from './corpus.js';

// Items of one real feed are different posts (bar the odd repeat with the very same headline): every pair the
// verifier would merge despite different headlines is a false merge on real publishers' text.
describe.skipIf(missingCorpus())('near-duplicate verifier on the real-world corpus', () => {
  it('merges almost no pair of differently titled items within a feed', async () => {
    let pairs = 0;
    const merges: string[] = [];
    for (const { name, bytes } of corpusFiles()) {
      let feed;
      try {
        feed = await parseFeed(decodeBody(bytes));
      } catch {
        continue;
      }
      const items = normalizeFeed(feed, { feedUrl: 'https://corpus.example/', now: new Date() }).slice(0, 150);
      const prints = items.map((item) => ({ title: foldText(item.title), print: fingerprint(item) }));
      for (let a = 0; a < prints.length; a++) {
        for (let b = a + 1; b < prints.length; b++) {
          if (prints[a]!.title === prints[b]!.title) continue;
          pairs++;
          if (sameStory(prints[a]!.print, prints[b]!.print) !== undefined)
            merges.push(`${name}: "${prints[a]!.title}" ~ "${prints[b]!.title}"`);
        }
      }
    }
    console.log(`corpus: ${pairs} differently titled pairs, ${merges.length} merged\n${merges.join('\n')}`);
    expect(pairs).toBeGreaterThan(50_000);
    expect(merges.length, merges.join('\n')).toBeLessThanOrEqual(5);
  });
});
