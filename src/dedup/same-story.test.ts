import { describe, expect, it } from 'vitest';
import { labeledPairs } from '../../test/fixtures/dedup/pairs.js';
import { storyText } from '../processor/boilerplate.js';
import { cleanTitle } from '../processor/text.js';
import { fingerprint, sameStory } from './same-story.js';

const prepare = (copy: { title: string; html: string }) =>
  fingerprint({ title: cleanTitle(copy.title), text: storyText(copy.html) });

describe('same-story verification on the labeled pairs', () => {
  const pairs = labeledPairs();

  it('has enough pairs of each kind to mean something', () => {
    expect(pairs.filter((p) => p.same).length).toBeGreaterThanOrEqual(60);
    expect(pairs.filter((p) => !p.same).length).toBeGreaterThanOrEqual(60);
  });

  it('reaches precision ≥ 0.99 and recall ≥ 0.95', () => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    const mistakes: string[] = [];
    for (const pair of pairs) {
      const predicted = sameStory(prepare(pair.a), prepare(pair.b)) !== undefined;
      if (predicted && pair.same) tp++;
      else if (predicted) {
        fp++;
        mistakes.push(`false merge: ${pair.a.label} ~ ${pair.b.label}`);
      } else if (pair.same) {
        fn++;
        mistakes.push(`missed: ${pair.a.label} ~ ${pair.b.label}`);
      }
    }
    const precision = tp / (tp + fp);
    const recall = tp / (tp + fn);
    console.log(`labeled set: ${pairs.length} pairs, precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)}`);
    expect(
      mistakes.filter((m) => m.startsWith('false')),
      'false merges',
    ).toEqual([]);
    expect(precision).toBeGreaterThanOrEqual(0.99);
    expect(recall, mistakes.join('\n')).toBeGreaterThanOrEqual(0.95);
  });
});
