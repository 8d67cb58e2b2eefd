import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { articles } from '../db/schema.js';
import { fetchUrl } from '../fetcher/http.js';
import { decodeBody } from '../parser/decode.js';
import { storyTextOf } from '../processor/boilerplate.js';
import { contentHashOf } from '../processor/hash.js';
import type { NormalizedArticle } from '../processor/normalize.js';
import { sanitizeWithTree } from '../processor/sanitize.js';
import { Limiter } from '../util/limiter.js';
import { recordFullTextError } from '../metrics/record.js';
import { extractMainContent } from './extract.js';

export interface FullTextSource {
  id: string;
  selector?: string;
  allowPrivateNetwork: boolean;
  timeout: number;
  maxBytes: number;
  userAgent: string;
}

export interface FullTextOptions {
  /** For tests: the guarded DNS lookup to use. */
  lookup?: Parameters<typeof fetchUrl>[1]['lookup'];
  onError?: (url: string, error: Error) => void;
  /** Abandons the pages not fetched yet and the requests in flight (the refresh's deadline, shutdown). */
  signal?: AbortSignal;
}

/**
 * Replaces the feed's excerpt with the article page's main content for items not stored yet. Article links come from
 * an untrusted feed, so private, loopback and link-local addresses are refused (after DNS resolution, on every
 * redirect) unless the source allows them. The fingerprint stays the feed's, so an unchanged item is not refetched.
 */
export async function withFullText(
  db: Db,
  source: FullTextSource,
  items: NormalizedArticle[],
  options: FullTextOptions = {},
): Promise<NormalizedArticle[]> {
  const guids = items.map((i) => i.guid);
  const stored = new Set(
    guids.length === 0
      ? []
      : (
          await db
            .select({ guid: articles.guid })
            .from(articles)
            .where(and(eq(articles.sourceId, source.id), inArray(articles.guid, guids)))
        ).map((r) => r.guid),
  );
  const limiter = new Limiter(4);
  return Promise.all(
    items.map((item) =>
      stored.has(item.guid) || !item.url
        ? item
        : limiter.run(async () => {
            if (options.signal?.aborted) return item;
            try {
              const page = await fetchUrl(item.url!, {
                timeoutMs: source.timeout,
                maxBytes: source.maxBytes,
                userAgent: source.userAgent,
                signal: options.signal,
                allowPrivateNetwork: source.allowPrivateNetwork,
                accept: 'text/html,application/xhtml+xml',
                lookup: options.lookup,
              });
              const main = extractMainContent(decodeBody(page.body, page.headers['content-type']), source.selector);
              const content = sanitizeWithTree(main, page.url);
              const text = storyTextOf(content.tree);
              if (text.length <= item.text.length) return item;
              return { ...item, contentHtml: content.html, text, contentHash: contentHashOf(item.title, text) };
            } catch (err) {
              // Not fatal (the feed's own content is kept) but never silent: counted here, logged by the caller.
              recordFullTextError(source.id);
              options.onError?.(item.url!, err as Error);
              return item;
            }
          }),
    ),
  );
}
