import type { NormalizedArticle } from '../processor/normalize.js';
import { bandKeys, minhash } from './minhash.js';
import { fingerprint, type Fingerprint } from './same-story.js';
import { mapInSlices } from '../util/in-slices.js';

/** Texts shorter than this many shingles get no band keys: too little to recognise a copy by. */
const MIN_SHINGLES_FOR_BANDS = 8;

/**
 * What dedup knows of an article, derived once when it arrives and stored with it: the fingerprint verification
 * compares (its sorted shingle hashes go to `articles.sketch`) and the MinHash band keys candidates are looked up by.
 */
export interface Sketch {
  print: Fingerprint;
  bands: bigint[];
}

export function sketch(article: Pick<NormalizedArticle, 'title' | 'text'>): Sketch {
  const print = fingerprint(article);
  return {
    print,
    bands: print.body.length >= MIN_SHINGLES_FOR_BANDS ? [...new Set(bandKeys(minhash(print.body)))] : [],
  };
}

export type SketchedArticle = NormalizedArticle & { sketch: Sketch };

/** The pure step between normalizing and storing. */
export const sketchArticles = (items: readonly NormalizedArticle[]): SketchedArticle[] => items.map(sketched);

/** sketchArticles, giving the event loop a turn every few ms (see mapInSlices). */
export const sketchArticlesInSlices = (
  items: readonly NormalizedArticle[],
  signal?: AbortSignal,
): Promise<SketchedArticle[]> => mapInSlices(items, sketched, signal);

const sketched = (item: NormalizedArticle): SketchedArticle => ({ ...item, sketch: sketch(item) });
