import { describe, expect, it } from 'vitest';
import { keepBest, rankingSettled, type RankedStory } from './coverage-rank.js';

const at = (hour: number) => new Date(Date.UTC(2026, 10, 20, hour));
const story = (storyId: number, outlets: number, hour: number): RankedStory => ({
  storyId,
  sourceIds: Array.from({ length: outlets }, (_, i) => `s${i}`),
  latest: at(hour),
});

describe('coverage ranking', () => {
  it('orders by outlets, then the newest report, then the newest story, and keeps the best', () => {
    const ranked = keepBest([story(1, 2, 10), story(2, 3, 5)], [story(3, 3, 9), story(4, 2, 10), story(5, 1, 23)], 4);
    expect(ranked.map((r) => r.storyId)).toEqual([3, 2, 4, 1]);
    expect(keepBest([], [story(1, 2, 10)], 3).map((r) => r.storyId)).toEqual([1]);
  });

  it('settles once no unread candidate can enter a full list', () => {
    const best = [story(1, 4, 10), story(2, 3, 8)];
    // Not full yet: keep reading.
    expect(rankingSettled(best, 3, { articleCount: 1, updatedAt: at(1) })).toBe(false);
    // Fewer articles than the last entry's outlets: settled.
    expect(rankingSettled(best, 2, { articleCount: 2, updatedAt: at(23) })).toBe(true);
    // As many articles: settled only when updated before the last entry's newest report (a later one might tie and win).
    expect(rankingSettled(best, 2, { articleCount: 3, updatedAt: at(7) })).toBe(true);
    expect(rankingSettled(best, 2, { articleCount: 3, updatedAt: at(8) })).toBe(false);
    // More articles: it might have more outlets in the window.
    expect(rankingSettled(best, 2, { articleCount: 5, updatedAt: at(1) })).toBe(false);
  });
});
