import type { Fingerprint } from './same-story.js';
import { sameStory } from './same-story.js';

/** One incoming article as matching sees it. */
export interface PlanItem {
  canonicalUrl: string | null;
  contentHash: string;
  print: Fingerprint;
  bands: readonly bigint[];
  /** After its commit, a founder looks again for other stories (storage/reconcile.ts): its own is no match. */
  ownStory?: number;
}

/** A stored article that shares band keys with an incoming one (storage/candidates.ts finds them). */
export interface Candidate {
  storyId: number;
  /** Band keys shared with the incoming article: the more, the likelier a copy. */
  sharedBands: number;
  print: Fingerprint;
}

/** Stories of stored articles with the same canonical URL or the same normalized content, oldest article first. */
export interface ExactMatches {
  byUrl: ReadonlyMap<string, readonly number[]>;
  byHash: ReadonlyMap<string, readonly number[]>;
}

/** Where one article goes: a stored story, a new story, or the story of an earlier article `item` of the same batch. */
export type StoryChoice = { existing: number } | { new: true } | { sameAs: number };

export interface PlanEntry {
  item: number;
  story: StoryChoice;
}

/** Candidates verified per article, most shared bands first: a real copy shares most of its 20 bands. */
export const MAX_VERIFIED = 5;

/**
 * The match plan of a batch, without I/O: exact layer first (same canonical URL or content), then the stored candidates
 * with the most shared bands, verified by shingle containment and headline agreement (the best verified score wins),
 * then the earlier articles of the same batch (same keys, or a verified copy sharing a band), so two copies arriving
 * together still make one story. `sameAs` always points at an article that founds a new story.
 */
export function planMatches(
  items: readonly PlanItem[],
  exact: ExactMatches,
  candidates: readonly (readonly Candidate[])[],
): PlanEntry[] {
  const earlier = new BatchIndex();
  const plan: PlanEntry[] = [];
  for (const [i, item] of items.entries()) {
    plan.push({ item: i, story: choose(item, i) });
    earlier.add(i, item);
  }
  return plan;

  function choose(item: PlanItem, i: number): StoryChoice {
    const other = (ids: readonly number[] | undefined) => ids?.find((id) => id !== item.ownStory);
    const known =
      other(item.canonicalUrl ? exact.byUrl.get(item.canonicalUrl) : undefined) ??
      other(exact.byHash.get(item.contentHash));
    if (known !== undefined) return { existing: known };
    let best: { storyId: number; score: number } | undefined;
    const ranked = (candidates[i] ?? [])
      .filter((c) => c.storyId !== item.ownStory)
      .sort((a, b) => b.sharedBands - a.sharedBands || a.storyId - b.storyId)
      .slice(0, MAX_VERIFIED);
    for (const candidate of ranked) {
      const score = sameStory(item.print, candidate.print);
      if (score !== undefined && (!best || score > best.score)) best = { storyId: candidate.storyId, score };
    }
    if (best) return { existing: best.storyId };
    const j =
      earlier.sameKey(item) ??
      earlier.sharingBand(item).find((k) => sameStory(item.print, items[k]!.print) !== undefined);
    if (j === undefined) return { new: true };
    // An earlier article that itself joined a story points at that story.
    const target = plan[j]!.story;
    return 'new' in target ? { sameAs: j } : target;
  }
}

/**
 * Every other story one article is the same report as: exact keys, or a verified candidate. A founder looking again
 * after its commit merges with all of them (storage/reconcile.ts), so copies split over several concurrently founded
 * stories (say, originals in one and wire copies in another) still end in one.
 */
export function matchingStories(item: PlanItem, exact: ExactMatches, candidates: readonly Candidate[]): number[] {
  const found = new Set<number>([
    ...(item.canonicalUrl ? (exact.byUrl.get(item.canonicalUrl) ?? []) : []),
    ...(exact.byHash.get(item.contentHash) ?? []),
  ]);
  const ranked = candidates
    .filter((c) => c.storyId !== item.ownStory && !found.has(c.storyId))
    .sort((a, b) => b.sharedBands - a.sharedBands || a.storyId - b.storyId)
    .slice(0, MAX_VERIFIED);
  for (const candidate of ranked)
    if (sameStory(item.print, candidate.print) !== undefined) found.add(candidate.storyId);
  found.delete(item.ownStory ?? -1);
  return [...found].sort((a, b) => a - b);
}

/** The batch's earlier articles by URL, content hash and band, so matching within a batch stays linear. */
class BatchIndex {
  private readonly byUrl = new Map<string, number>();
  private readonly byHash = new Map<string, number>();
  private readonly byBand = new Map<bigint, number[]>();

  add(index: number, item: PlanItem): void {
    if (item.canonicalUrl && !this.byUrl.has(item.canonicalUrl)) this.byUrl.set(item.canonicalUrl, index);
    if (!this.byHash.has(item.contentHash)) this.byHash.set(item.contentHash, index);
    for (const band of item.bands) {
      const list = this.byBand.get(band);
      if (list) list.push(index);
      else this.byBand.set(band, [index]);
    }
  }

  sameKey(item: PlanItem): number | undefined {
    const byUrl = item.canonicalUrl ? this.byUrl.get(item.canonicalUrl) : undefined;
    const byHash = this.byHash.get(item.contentHash);
    if (byUrl === undefined) return byHash;
    return byHash === undefined ? byUrl : Math.min(byUrl, byHash);
  }

  sharingBand(item: PlanItem): number[] {
    const found = new Set<number>();
    for (const band of item.bands) for (const index of this.byBand.get(band) ?? []) found.add(index);
    return [...found].sort((a, b) => a - b);
  }
}
