// The shapes that cross stages (parser → processor → storage), kept below all of them so no stage imports another's
// internals, or the database schema, for a type.

export type FeedFormat = 'rss' | 'atom' | 'rdf' | 'json' | 'html';

export type Enclosure = { url: string; type?: string; length?: number };

/** An item as the feed gave it: strings untrusted and unnormalized. */
export interface ParsedItem {
  guid?: string;
  link?: string;
  title?: string;
  author?: string;
  summary?: string;
  content?: string;
  published?: string;
  updated?: string;
  categories: string[];
  enclosures: Enclosure[];
  /** xml:base or similar in effect for this item's relative links. */
  base?: string;
}

export interface ParsedFeed {
  format: FeedFormat;
  title?: string;
  link?: string;
  /** Polling hints the feed gives, in minutes (RSS ttl, sy:updatePeriod/Frequency). */
  ttlMinutes?: number;
  items: ParsedItem[];
  /** How many items the document had, when only the newest `maxItems` of them were kept. */
  itemsInDocument?: number;
}

/** Items kept from one document unless the source says otherwise (`defaults.maxItems`). */
export const DEFAULT_MAX_ITEMS = 10_000;

export interface ParseOptions {
  /** Items kept per document: the newest, by date where items have one, else the first. */
  maxItems: number;
  /** Items parsed in one go before the event loop gets a turn (default ITEMS_PER_PART in parser/rss.ts). */
  itemsPerPart?: number;
}
