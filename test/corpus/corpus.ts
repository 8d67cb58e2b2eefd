import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { missing } from '../helpers/requirements.js';

/** The shared real-world corpus, when this checkout sits next to it (CI and developer machines). */
export const CORPUS_DIR = new URL('../../../shared/corpus/realworld/', import.meta.url);
export const hasCorpus = existsSync(CORPUS_DIR);
/** For describe.skipIf: loud when the corpus is absent, fatal under TRIBUTARY_REQUIRE_ALL. */
export const missingCorpus = () =>
  missing('the shared corpus (../shared/corpus/realworld)', hasCorpus, 'check out next to ../shared');

export function corpusFiles(): { name: string; bytes: Buffer }[] {
  if (!hasCorpus) return [];
  return readdirSync(CORPUS_DIR)
    .filter((name) => !/^(LICENSES|MANIFEST|README|SHA256)/.test(name))
    .sort()
    .map((name) => ({ name, bytes: readFileSync(new URL(name, CORPUS_DIR)) }));
}
