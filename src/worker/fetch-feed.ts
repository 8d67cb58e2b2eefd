import type { LookupFunction } from 'node:net';
import { FetchError } from '../fetcher/errors.js';
import { fetchUrl, type FetchResult } from '../fetcher/http.js';
import { decodeBody } from '../parser/decode.js';
import { discoverFeedLinks } from '../parser/discover.js';
import { parseFeedBody } from '../parser/parse.js';
import { scrapeFeed } from '../parser/scrape.js';
import { NotAFeedError, type ParsedFeed } from '../parser/types.js';
import type { SourceRow } from '../storage/sources.js';
import type { EffectiveSource } from './context.js';
import { discoverHub, type DiscoveredHub } from '../websub/discover.js';
import type { ByteBudget } from '../util/byte-budget.js';

export type FeedFetch =
  | { notModified: true; response: FetchResult }
  | {
      notModified: false;
      response: FetchResult;
      feed: ParsedFeed;
      /** Where the feed turned out to live, if not where we asked. */ movedTo?: string;
      /** Gives back the document's bytes to the budget: call once its articles are stored (or the refresh failed). */
      release: () => void;
      /** The WebSub hub the feed advertises. */
      hub?: DiscoveredHub;
    };

const HTML_ACCEPT = 'text/html, application/xhtml+xml;q=0.9, */*;q=0.5';

/**
 * Gets a source's items: its feed, the items scraped from its page (`scrape:`), or, when the URL is an HTML page, the
 * first feed the page advertises. Only the configured URL's host is trusted to be private: every redirect hop and
 * discovered link elsewhere gets the private-address guard (unless the source sets allowPrivateNetwork), so a feed
 * cannot send the service into the operator's network.
 */
export async function fetchFeed(
  source: EffectiveSource,
  row: SourceRow,
  lookup?: LookupFunction,
  signal?: AbortSignal,
  budget?: ByteBudget,
): Promise<FeedFetch> {
  const options = {
    timeoutMs: source.timeout,
    maxBytes: source.maxBytes,
    userAgent: source.userAgent,
    lookup,
    signal,
    allowPrivateNetwork: source.allowPrivateNetwork,
    trustedHost: new URL(source.url).host,
  };
  const target = row.currentUrl ?? source.url;
  const response = await fetchUrl(target, {
    ...options,
    etag: row.etag,
    lastModified: row.lastModified,
    accept: source.scrape ? HTML_ACCEPT : undefined,
  });
  if (response.notModified) return { notModified: true, response };
  const limits = { maxItems: source.maxItems };
  // Parsed, a document takes many times its size until its articles are stored: wait for room in the budget.
  let release = budget ? await budget.acquire(response.body.length, signal) : () => {};
  try {
    if (source.scrape)
      return {
        notModified: false,
        response,
        feed: scrapeFeed(takeText(response), source.scrape, limits),
        movedTo: response.permanentUrl,
        release,
      };
    const hub = discoverHub(response.body, response.headers, response.url);
    const feed = await parseFeedBody(takeBody(response), response.headers['content-type'], limits);
    return { notModified: false, response, feed, movedTo: response.permanentUrl, hub, release };
  } catch (err) {
    release();
    if (!(err instanceof NotAFeedError) || err.html === undefined) throw err;
    const link = discoverFeedLinks(err.html, response.url)[0];
    if (!link) throw new NotAFeedError('got an HTML page that advertises no feed (<link rel="alternate">)');
    const feedResponse = await fetchUrl(link, options);
    if (feedResponse.notModified)
      throw new FetchError(`discovered feed ${link} answered 304 to an unconditional request`);
    const hub = discoverHub(feedResponse.body, feedResponse.headers, feedResponse.url);
    release = budget ? await budget.acquire(feedResponse.body.length, signal) : () => {};
    const feed = await parseFeedBody(takeBody(feedResponse), feedResponse.headers['content-type'], limits).catch(
      (inner: Error) => {
        release();
        throw new NotAFeedError(`discovered feed ${link}: ${inner.message}`);
      },
    );
    return { notModified: false, response: feedResponse, feed, movedTo: feedResponse.url, hub, release };
  }
}

/** The body, dropped from the response: the bytes need not live as long as the refresh (30 MB for a long feed). */
function takeBody(response: FetchResult): Buffer {
  const { body } = response;
  response.body = Buffer.alloc(0);
  return body;
}

const takeText = (response: FetchResult): string => decodeBody(takeBody(response), response.headers['content-type']);
