/** A story's coverage within a window: the distinct outlets that carried it there, and its newest report there. */
export interface RankedStory {
  storyId: number;
  /** Source ids, sorted. */
  sourceIds: string[];
  latest: Date;
}

/** Upper bounds of a candidate's coverage, known before its articles are read: its article count and updated time. */
export interface CandidateBound {
  articleCount: number;
  updatedAt: Date;
}

/** Most outlets first, then the newest report, then the newest story: a total order, so pages never tie. */
export function compareRanked(a: RankedStory, b: RankedStory): number {
  return b.sourceIds.length - a.sourceIds.length || b.latest.getTime() - a.latest.getTime() || b.storyId - a.storyId;
}

/** The best `limit` of both lists, in rank order. */
export function keepBest(best: readonly RankedStory[], found: readonly RankedStory[], limit: number): RankedStory[] {
  return [...best, ...found].sort(compareRanked).slice(0, limit);
}

/**
 * Whether candidates still unread can be left unread. They come in (article count, updated time) order, descending, and
 * a story's outlets in any window are at most its articles, its newest report at most its updated time: once the last
 * candidate read is bounded below the last of a full list, none after it can enter the list.
 */
export function rankingSettled(best: readonly RankedStory[], limit: number, lastRead: CandidateBound): boolean {
  const last = best[limit - 1];
  if (best.length < limit || !last) return false;
  const outlets = last.sourceIds.length;
  return lastRead.articleCount < outlets || (lastRead.articleCount === outlets && lastRead.updatedAt < last.latest);
}
