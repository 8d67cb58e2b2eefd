import { existsSync, readdirSync, readFileSync } from 'node:fs';

/** The shared real-world corpus, when this checkout sits next to it (CI and developer machines). */
export const CORPUS_DIR = new URL('../../../shared/corpus/realworld/', import.meta.url);
export const hasCorpus = existsSync(CORPUS_DIR);

export function corpusFiles(): { name: string; bytes: Buffer }[] {
  if (!hasCorpus) return [];
  return readdirSync(CORPUS_DIR)
    .filter((name) => !/^(LICENSES|MANIFEST|README|SHA256)/.test(name))
    .sort()
    .map((name) => ({ name, bytes: readFileSync(new URL(name, CORPUS_DIR)) }));
}
