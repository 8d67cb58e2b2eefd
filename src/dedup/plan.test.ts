import { describe, expect, it } from 'vitest';
import { editedCopy, original, trimmedCopy, wireCopy } from '../../test/fixtures/dedup/pairs.js';
import { GROUPS } from '../../test/fixtures/dedup/stories.js';
import { storyText } from '../processor/boilerplate.js';
import { cleanTitle } from '../processor/text.js';
import {
  MAX_VERIFIED,
  matchingStories,
  planMatches,
  type Candidate,
  type ExactMatches,
  type PlanItem,
} from './plan.js';
import { sketch } from './sketch.js';

const [[airDefence, membership], [starship]] = GROUPS as [
  [(typeof GROUPS)[0][0], (typeof GROUPS)[0][1]],
  [(typeof GROUPS)[1][0]],
];
const none: ExactMatches = { byUrl: new Map(), byHash: new Map() };

const planItem = (copy: { title: string; html: string }, key = copy.title): PlanItem => {
  const { print, bands } = sketch({ title: cleanTitle(copy.title), text: storyText(copy.html) });
  return { canonicalUrl: `https://outlet.example/${encodeURIComponent(key)}`, contentHash: key, print, bands };
};
const stored = (storyId: number, copy: { title: string; html: string }, sharedBands = 20): Candidate => ({
  storyId,
  sharedBands,
  print: planItem(copy).print,
});

describe('planMatches (pure: no database)', () => {
  it('founds a story per distinct report and points copies in the batch at the first of them', () => {
    const items = [
      original(airDefence),
      original(membership),
      wireCopy(airDefence),
      trimmedCopy(airDefence),
      editedCopy(membership),
    ].map((c) => planItem(c));
    expect(
      planMatches(
        items,
        none,
        items.map(() => []),
      ).map((e) => e.story),
    ).toEqual([{ new: true }, { new: true }, { sameAs: 0 }, { sameAs: 0 }, { sameAs: 1 }]);
  });

  it('joins a stored story when a candidate verifies, and prefers the exact layer', () => {
    const items = [planItem(wireCopy(airDefence)), planItem(original(starship), 'same-content')];
    const exact: ExactMatches = { byUrl: new Map(), byHash: new Map([['same-content', [7, 2]]]) };
    const plan = planMatches(items, exact, [
      [stored(3, original(membership)), stored(4, original(airDefence))],
      [stored(9, original(starship))],
    ]);
    expect(plan.map((e) => e.story)).toEqual([{ existing: 4 }, { existing: 7 }]);
  });

  it('does not join a candidate that shares bands but is another report', () => {
    const plan = planMatches([planItem(original(membership))], none, [[stored(4, original(airDefence), 20)]]);
    expect(plan[0]!.story).toEqual({ new: true });
  });

  it(`verifies only the ${MAX_VERIFIED} candidates sharing the most bands`, () => {
    const decoys = Array.from({ length: MAX_VERIFIED }, (_, k) => stored(100 + k, original(starship), 10));
    const item = planItem(wireCopy(airDefence));
    expect(planMatches([item], none, [[...decoys, stored(5, original(airDefence), 9)]])[0]!.story).toEqual({
      new: true,
    });
    expect(planMatches([item], none, [[...decoys, stored(5, original(airDefence), 11)]])[0]!.story).toEqual({
      existing: 5,
    });
  });

  it('a founder looking again after its commit finds other stories only', () => {
    const item = { ...planItem(wireCopy(airDefence), 'wire'), ownStory: 4 };
    const exact: ExactMatches = { byUrl: new Map(), byHash: new Map([['wire', [4, 6]]]) };
    expect(planMatches([item], exact, [[]])[0]!.story).toEqual({ existing: 6 });
    expect(
      planMatches([item], none, [[stored(4, original(airDefence)), stored(8, trimmedCopy(airDefence), 3)]])[0]!.story,
    ).toEqual({ existing: 8 });
    expect(planMatches([item], none, [[stored(4, original(airDefence))]])[0]!.story).toEqual({ new: true });
  });

  it('lists every other story a founder is the same report as, exact or verified', () => {
    const item = { ...planItem(wireCopy(airDefence), 'wire'), ownStory: 4 };
    const exact: ExactMatches = { byUrl: new Map(), byHash: new Map([['wire', [4, 9]]]) };
    const candidates = [
      stored(4, original(airDefence)),
      stored(2, original(airDefence)),
      stored(7, original(membership)),
      stored(9, trimmedCopy(airDefence)),
    ];
    expect(matchingStories(item, exact, candidates)).toEqual([2, 9]);
  });

  it('an article joining a stored story carries the batch copies after it into that story', () => {
    const items = [planItem(original(airDefence)), planItem(wireCopy(airDefence))];
    const plan = planMatches(items, none, [[stored(4, trimmedCopy(airDefence))], []]);
    expect(plan.map((e) => e.story)).toEqual([{ existing: 4 }, { existing: 4 }]);
  });
});
