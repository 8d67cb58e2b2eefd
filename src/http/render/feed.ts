import { writeAtom } from './atom.js';
import type { FeedDocument, FeedFormat } from './document.js';
import { writeJsonFeed } from './json.js';
import { writeRss } from './rss.js';

export const CONTENT_TYPES: Record<FeedFormat, string> = {
  rss: 'application/rss+xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
  json: 'application/feed+json; charset=utf-8',
};

const WRITERS: Record<FeedFormat, (doc: FeedDocument) => string> = { rss: writeRss, atom: writeAtom, json: writeJsonFeed };

export function renderFeed(format: FeedFormat, doc: FeedDocument): string {
  return WRITERS[format](doc);
}
