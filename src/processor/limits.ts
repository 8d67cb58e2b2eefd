/**
 * What one item may bring in. Feeds come from strangers: without caps a single item can make every output feed
 * megabytes long or a page of nested markup can hold a worker for minutes. Each cut is counted and reported in the
 * source's notice (see cuts.ts).
 */
export const LIMITS = {
  /** Characters of a title (item or feed), after entities are decoded and tags dropped. */
  titleChars: 512,
  authorChars: 256,
  categoryChars: 128,
  categories: 32,
  enclosures: 16,
  /** Characters of an enclosure's MIME type. */
  typeChars: 128,
  /** Characters of each HTML field (content, summary) before it is sanitized, and again of what is stored. */
  htmlChars: 256 * 1024,
  /** Characters of a whole HTML page read for discovery, scraping or full text (the rest is not read). */
  pageChars: 2 * 1024 * 1024,
  /** Element nesting in HTML; deeper markup is kept as plain text paragraphs (or a page refused). */
  htmlDepth: 128,
  /** Characters of a URL (longer ones are dropped). Indexed: Postgres refuses btree entries over 2,704 bytes. */
  urlChars: 2048,
  /** Characters of a guid (a longer one is replaced by its hash). Indexed with the source id, up to 4 bytes a character. */
  guidChars: 512,
} as const;

/** Text fields longer than this are cut before anything reads them, so a 10 MB title costs no more than this much. */
export const TEXT_INPUT_CHARS = 64 * 1024;
