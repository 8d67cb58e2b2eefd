/** mulberry32: a tiny deterministic PRNG, so every run generates the same data from the same seed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYLLABLES = [
  'ka',
  'lo',
  'mi',
  'ter',
  'van',
  'sol',
  'dre',
  'nix',
  'por',
  'ul',
  'ast',
  'ri',
  'ben',
  'cor',
  'fal',
  'gen',
  'hu',
  'ion',
  'jet',
  'mar',
];

/** A vocabulary of pseudo-words with a Zipf-like draw, so texts share common words as real news does. */
export function textGenerator(seed: number, vocabularySize = 5000) {
  const random = seeded(seed);
  const vocabulary = Array.from({ length: vocabularySize }, (_, i) => {
    let word = '';
    for (let n = i, k = 0; k < 2 + (i % 3); k++, n = Math.floor(n / SYLLABLES.length))
      word += SYLLABLES[(n + k * 7) % SYLLABLES.length];
    return `${word}${i}`;
  });
  const word = () => vocabulary[Math.floor(vocabularySize * random() ** 2)]!;
  return {
    random,
    words: (count: number) => Array.from({ length: count }, word).join(' '),
  };
}
