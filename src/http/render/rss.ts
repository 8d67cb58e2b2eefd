import type { FeedDocument, FeedEntry } from './document.js';
import { escapeXml } from '../../util/escape.js';
import { XML_DECLARATION, element, indent, startTag, textElement } from './xml.js';
import { FEED_MEDIA_TYPES } from './mime.js';

const NAMESPACES = {
  'xmlns:atom': 'http://www.w3.org/2005/Atom',
  'xmlns:content': 'http://purl.org/rss/1.0/modules/content/',
  'xmlns:dc': 'http://purl.org/dc/elements/1.1/',
};

function author(entry: FeedEntry): string | undefined {
  const person = entry.author;
  if (!person) return undefined;
  // <author> is an email address (RSS 2.0); a bare name is dc:creator.
  if (!person.email) return textElement('dc:creator', person.name);
  return textElement('author', person.name === person.email ? person.email : `${person.email} (${person.name})`);
}

function item(entry: FeedEntry): string {
  const lead = entry.outlets[0];
  const lines = [
    textElement('title', entry.title),
    entry.link && textElement('link', entry.link),
    textElement('guid', entry.id, { isPermaLink: 'false' }),
    textElement('pubDate', entry.published.toUTCString()),
    // RSS 2.0 has no modification date: Atom's, as feed readers (and feedparser) read it in RSS items.
    textElement('atom:updated', entry.updated.toISOString()),
    // description is HTML by convention: the plain-text summary goes in as HTML text, escaped twice.
    entry.summary && textElement('description', escapeXml(entry.summary)),
    entry.contentHtml && textElement('content:encoded', entry.contentHtml),
    author(entry),
    ...entry.categories.map((c) => textElement('category', c)),
    entry.enclosure &&
      element('enclosure', {
        url: entry.enclosure.url,
        length: entry.enclosure.length ?? 0,
        type: entry.enclosure.type,
      }),
    lead?.feedUrl && textElement('source', lead.name, { url: lead.feedUrl }),
  ].filter((line): line is string => Boolean(line));
  return element('item', {}, `${indent(lines, 3)}\n    `);
}

/**
 * RSS 2.0 with atom:link self/next (RFC 5005), content:encoded for the HTML and dc:creator for author names. Written
 * piece by piece (an item at a time), so a big feed never exists as one string.
 */
export function* writeRss(doc: FeedDocument): Generator<string> {
  const channel = [
    textElement('title', doc.title),
    textElement('link', doc.homeUrl),
    textElement('description', doc.description ?? doc.title),
    textElement('lastBuildDate', doc.updated.toUTCString()),
    textElement('generator', 'Tributary'),
    textElement('docs', 'https://www.rssboard.org/rss-specification'),
    element('atom:link', { href: doc.self.rss, rel: 'self', type: FEED_MEDIA_TYPES.rss }),
    doc.next && element('atom:link', { href: doc.next.rss, rel: 'next', type: FEED_MEDIA_TYPES.rss }),
    doc.hub && element('atom:link', { href: doc.hub, rel: 'hub' }),
  ].filter((line): line is string => Boolean(line));
  yield `${XML_DECLARATION}\n${startTag('rss', { version: '2.0', ...NAMESPACES })}\n  <channel>${indent(channel, 2)}`;
  for (const entry of doc.entries) yield indent([item(entry)], 2);
  yield '\n  </channel>\n</rss>\n';
}
