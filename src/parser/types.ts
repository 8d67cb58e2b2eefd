// The parser's output types live in src/types/feed.ts (the processor and config use them too); re-exported here for
// the parser's own modules.
export {
  DEFAULT_MAX_ITEMS,
  type FeedFormat,
  type ParseOptions,
  type ParsedFeed,
  type ParsedItem,
} from '../types/feed.js';

export class NotAFeedError extends Error {
  constructor(
    message: string,
    readonly html?: string,
  ) {
    super(message);
    this.name = 'NotAFeedError';
  }
}
