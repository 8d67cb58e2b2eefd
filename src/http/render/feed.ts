import { writeAtom } from './atom.js';
import type { FeedDocument, FeedFormat } from './document.js';
import { writeJsonFeed } from './json.js';
import { FEED_MEDIA_TYPES } from './mime.js';
import { writeRss } from './rss.js';

export const CONTENT_TYPES = Object.fromEntries(
  Object.entries(FEED_MEDIA_TYPES).map(([format, type]) => [format, `${type}; charset=utf-8`]),
) as Record<FeedFormat, string>;

const WRITERS: Record<FeedFormat, (doc: FeedDocument) => Iterable<string>> = {
  rss: writeRss,
  atom: writeAtom,
  json: writeJsonFeed,
};

// Pieces are gathered into strings of about this many characters before being encoded: many small buffers of
// similar size, which the allocator reuses, rather than feed-sized strings and buffers that fragment the heap.
const CHUNK = 16 * 1024;

/**
 * The feed as UTF-8 bytes, in pieces of a few dozen KB. Encoded as it is written: a render never holds the whole feed
 * as one string or one buffer, so a 200-entry page costs about its own size in memory, not several times it.
 */
export function renderFeed(format: FeedFormat, doc: FeedDocument): Buffer[] {
  const chunks: Buffer[] = [];
  let pending = '';
  for (const piece of WRITERS[format](doc)) {
    pending += piece;
    if (pending.length >= CHUNK) {
      chunks.push(Buffer.from(pending));
      pending = '';
    }
  }
  if (pending) chunks.push(Buffer.from(pending));
  return chunks;
}
