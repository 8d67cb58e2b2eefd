import { localName } from './xml-shape.js';

type Tree = Record<string, unknown> & { $?: Record<string, string> };

// The namespaces each format's own elements live in, keyed by the root element's local name.
const FORMAT_NAMESPACES: Record<string, readonly string[]> = {
  feed: ['http://www.w3.org/2005/Atom', 'http://purl.org/atom/ns#'],
  RDF: [
    'http://purl.org/rss/1.0/',
    'http://my.netscape.com/rdf/simple/0.9/',
    'http://channel.netscape.com/rdf/simple/0.9/',
  ],
  rss: ['http://backend.userland.com/rss2', 'http://blogs.law.harvard.edu/tech/rss'],
};

/**
 * Prefixes the document binds to its own format's namespace (`<a:feed xmlns:a="…/Atom">`, `<rss:item>` in RSS 1.0),
 * which rss-parser only recognizes unprefixed. Other namespaces keep their prefixes (an RSS 2.0 feed's `atom:link`
 * must not turn into its `link`). Declarations anywhere count: one prefix bound to two namespaces is not worth handling.
 */
export function formatPrefixes(xml: string, root: string | undefined): Set<string> {
  const namespaces = FORMAT_NAMESPACES[localName(root ?? '')];
  const prefixes = new Set<string>();
  if (!namespaces) return prefixes;
  for (const match of xml.matchAll(/xmlns:([A-Za-z_][\w.-]*)\s*=\s*(["'])([^"'<>]*)\2/g)) {
    if (namespaces.includes(match[3]!.trim())) prefixes.add(match[1]!);
  }
  return prefixes;
}

/** An xml2js tag-name processor that drops the given prefixes. */
export function stripPrefixes(prefixes: ReadonlySet<string>): (name: string) => string {
  return (name) => {
    const colon = name.indexOf(':');
    return colon > 0 && prefixes.has(name.slice(0, colon)) ? name.slice(colon + 1) : name;
  };
}

/**
 * An xml2js validator (called as each element closes) that gives rss-parser the shape it expects of an `<rss>` root:
 * a version (rss-parser tells 2.0 from 0.9x by it; some feeds omit it) and a `<channel>` (some put items and channel
 * fields straight under `<rss>`).
 */
export function repairRssRoot(xpath: string, _previous: unknown, value: unknown): unknown {
  if (xpath !== '/rss' || typeof value !== 'object' || value === null) return value;
  const { $: attributes, ...children } = value as Tree;
  const $ = attributes?.version ? attributes : { ...attributes, version: '2.0' };
  return { $, channel: children.channel ?? [children] };
}
