/** Where a source's feed says it is pushed from (WebSub §4): its hub and its own (topic) URL. */
export interface DiscoveredHub {
  hub: string;
  self: string;
}

const LINK_VALUE = /<([^>]*)>\s*((?:;\s*[^;,]*)*)/g;

function httpUrl(value: string | undefined, base?: string): string | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value.trim(), base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

const relsOf = (params: string) =>
  /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(params)?.slice(1).find(Boolean)?.toLowerCase().split(/\s+/) ?? [];

/** hub and self from HTTP Link headers. */
function fromLinkHeader(header: string | string[] | undefined, base: string): Partial<DiscoveredHub> {
  const found: Partial<DiscoveredHub> = {};
  for (const value of Array.isArray(header) ? header : header ? [header] : []) {
    for (const match of value.matchAll(LINK_VALUE)) {
      const rels = relsOf(match[2] ?? '');
      const url = httpUrl(match[1], base);
      if (!url) continue;
      if (rels.includes('hub')) found.hub ??= url;
      if (rels.includes('self')) found.self ??= url;
    }
  }
  return found;
}

const attribute = (tag: string, name: string) =>
  new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`, 'i')
    .exec(tag)
    ?.slice(1)
    .find((v) => v !== undefined);
const unescape = (value: string) =>
  value
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'");

/** hub and self from the feed-level `<link>`/`<atom:link>` elements (those before the first item or entry). */
function fromXml(text: string, base: string): Partial<DiscoveredHub> {
  const head = text.split(/<(?:[\w-]+:)?(?:item|entry)[\s>]/)[0] ?? '';
  const found: Partial<DiscoveredHub> = {};
  for (const [tag] of head.matchAll(/<(?:[\w-]+:)?link\b[^>]*>/g)) {
    const rels = attribute(tag, 'rel')?.toLowerCase().split(/\s+/) ?? [];
    const href = attribute(tag, 'href');
    const url = href === undefined ? undefined : httpUrl(unescape(href), base);
    if (!url) continue;
    if (rels.includes('hub')) found.hub ??= url;
    if (rels.includes('self')) found.self ??= url;
  }
  return found;
}

function fromJson(text: string, base: string): Partial<DiscoveredHub> {
  try {
    const feed = JSON.parse(text.replace(/^\uFEFF/, '')) as {
      hubs?: { type?: unknown; url?: unknown }[];
      feed_url?: unknown;
    };
    const hub = Array.isArray(feed.hubs)
      ? feed.hubs.find(
          (h) => typeof h?.url === 'string' && (h.type === undefined || String(h.type).toLowerCase() === 'websub'),
        )
      : undefined;
    return {
      hub: httpUrl(hub?.url as string | undefined, base),
      self: httpUrl(typeof feed.feed_url === 'string' ? feed.feed_url : undefined, base),
    };
  } catch {
    return {};
  }
}

// Feed-level links come before the items: only this much of an XML body is looked at (decoded on its own, so that a
// big feed is never decoded twice).
const XML_HEAD_BYTES = 64 * 1024;

/**
 * The hub and topic a fetched feed advertises: HTTP Link headers first, then the document (RSS/Atom link elements,
 * JSON Feed `hubs` and `feed_url`), as §4 orders them. The topic defaults to the URL the feed was fetched from. URLs are
 * ASCII: the body is read as UTF-8 whatever its charset (a UTF-16 feed's hub is found in its Link header only).
 */
export function discoverHub(
  body: Buffer | string,
  headers: Record<string, string | string[] | undefined>,
  fetchedUrl: string,
): DiscoveredHub | undefined {
  const header = fromLinkHeader(headers.link, fetchedUrl);
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  const start = bytes.findIndex(
    (b) => b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09 && b !== 0xef && b !== 0xbb && b !== 0xbf,
  );
  const json = bytes[start] === 0x7b; // "{"
  const fromBody = json
    ? // Only a JSON Feed that names hubs is decoded again, as a whole.
      bytes.includes('"hubs"')
      ? fromJson(bytes.toString('utf8'), fetchedUrl)
      : {}
    : fromXml(bytes.subarray(0, XML_HEAD_BYTES).toString('utf8'), fetchedUrl);
  const hub = header.hub ?? fromBody.hub;
  if (!hub) return undefined;
  return { hub, self: (header.hub ? header.self : fromBody.self) ?? header.self ?? fromBody.self ?? fetchedUrl };
}
