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
}

export class NotAFeedError extends Error {
  constructor(message: string, readonly html?: string) {
    super(message);
    this.name = 'NotAFeedError';
  }
}
