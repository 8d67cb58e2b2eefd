import { containment, shingles, words } from './shingles.js';

/** What the verifier compares: the normalized title and the boilerplate-free story text. */
export interface Comparable {
  title: string;
  text: string;
}

export interface Fingerprint {
  /** Sorted, unique shingle hashes of title and text (see shingles()). */
  body: Uint32Array;
  title: Set<string>;
  /** Headline tokens with digits: recurring posts ("Quote #17703", "API v201509 sunset") differ only there. */
  titleNumbers: Set<string>;
}

// Wire services' revision prefixes ("UPDATE 2-", "REFILE-") say nothing about the story.
const REVISION_PREFIX = /^\s*((update|refile|corrected|correcting|wrapup|rpt|exclusive|breaking)\s*\d*\s*[-:]\s*)+/i;

export function fingerprint(item: Comparable): Fingerprint {
  return withBody(item.title, shingles(`${item.title}\n${item.text}`));
}

/** A fingerprint from a stored sketch: the headline is short and cheap to read again, the body is not re-derived. */
export function withBody(title: string, body: Uint32Array): Fingerprint {
  // Title words cut to a crude stem, so "defence" and "defences" agree.
  const headline = words(title.replace(REVISION_PREFIX, ''));
  return {
    body,
    title: new Set(headline.filter((w) => w.length > 2 && !/^\d+$/.test(w)).map((w) => w.slice(0, 5))),
    titleNumbers: new Set(headline.filter((w) => /\d/.test(w))),
  };
}

/** Thresholds chosen on the labeled pairs in test/fixtures/dedup (see README: precision and recall). */
export const SAME_STORY = {
  /** Shingle containment above which two long texts are the same report even under a rewritten headline. */
  containment: 0.7,
  /** …provided the headlines share at least this much: rewritten headlines keep some key word, while posts of a
   * series with a shared template text (seen in real feeds) have unrelated ones. */
  titleOverlap: 0.1,
  /** Below this many shingles a text is too short to judge by its body alone. */
  minShingles: 25,
  /** Short texts must match almost wholly, and their headlines must overlap this much too. */
  shortContainment: 0.9,
  shortTitleOverlap: 0.5,
};

function titleOverlap(a: Set<string>, b: Set<string>): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  if (small.size === 0) return 0;
  let shared = 0;
  for (const w of small) if (large.has(w)) shared++;
  return shared / small.size;
}

/** Similarity score in [0, 1] when the two are the same story, undefined when they are not. */
export function sameStory(a: Fingerprint, b: Fingerprint): number | undefined {
  if (a.titleNumbers.size > 0 && b.titleNumbers.size > 0 && ![...a.titleNumbers].some((n) => b.titleNumbers.has(n)))
    return undefined;
  const score = containment(a.body, b.body);
  const shortest = Math.min(a.body.length, b.body.length);
  const titles = titleOverlap(a.title, b.title);
  if (shortest >= SAME_STORY.minShingles) {
    return score >= SAME_STORY.containment && titles >= SAME_STORY.titleOverlap ? score : undefined;
  }
  return score >= SAME_STORY.shortContainment && titles >= SAME_STORY.shortTitleOverlap ? score : undefined;
}
