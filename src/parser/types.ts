import type { Enclosure } from '../db/schema.js';

export type FeedFormat = 'rss' | 'atom' | 'rdf' | 'json' | 'html';

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
}

export class NotAFeedError extends Error {
  constructor(message: string, readonly html?: string) {
    super(message);
    this.name = 'NotAFeedError';
  }
}
