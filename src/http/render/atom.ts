import type { FeedDocument, FeedEntry } from './document.js';
import { XML_DECLARATION, element, indent, startTag, textElement } from './xml.js';
import { FEED_MEDIA_TYPES } from './mime.js';

function author(entry: FeedEntry): string {
  // RFC 4287 §4.1.1: every entry names an author; without one from the source, the lead outlet is the author.
  const person = entry.author ?? { name: entry.outlets[0]?.name ?? 'Tributary' };
  return element(
    'author',
    {},
    textElement('name', person.name) + (person.email ? textElement('email', person.email) : ''),
  );
}

function source(entry: FeedEntry): string | undefined {
  const lead = entry.outlets[0];
  if (!lead) return undefined;
  const parts = [
    lead.feedUrl && textElement('id', lead.feedUrl),
    textElement('title', lead.name, { type: 'text' }),
    lead.siteUrl && element('link', { rel: 'alternate', href: lead.siteUrl }),
    lead.feedUrl && element('link', { rel: 'self', href: lead.feedUrl }),
  ].filter((part): part is string => Boolean(part));
  return element('source', {}, parts.join(''));
}

function entryElement(entry: FeedEntry): string {
  const lines = [
    textElement('id', entry.id),
    textElement('title', entry.title, { type: 'text' }),
    entry.link && element('link', { rel: 'alternate', href: entry.link }),
    textElement('published', entry.published.toISOString()),
    textElement('updated', entry.updated.toISOString()),
    author(entry),
    entry.summary && textElement('summary', entry.summary, { type: 'text' }),
    textElement('content', entry.contentHtml, { type: 'html' }),
    ...entry.categories.map((c) => element('category', { term: c })),
    entry.enclosure &&
      element('link', {
        rel: 'enclosure',
        href: entry.enclosure.url,
        type: entry.enclosure.type,
        length: entry.enclosure.length,
      }),
    source(entry),
  ].filter((line): line is string => Boolean(line));
  return element('entry', {}, `${indent(lines, 2)}\n  `);
}

/**
 * Atom 1.0 (RFC 4287): text constructs as type="text", content as escaped HTML, next page as rel="next" (RFC 5005).
 * Written piece by piece (an entry at a time), so a big feed never exists as one string.
 */
export function* writeAtom(doc: FeedDocument): Generator<string> {
  const head = [
    textElement('id', doc.id),
    textElement('title', doc.title, { type: 'text' }),
    doc.description && textElement('subtitle', doc.description, { type: 'text' }),
    textElement('updated', doc.updated.toISOString()),
    textElement('generator', 'Tributary'),
    element('link', { rel: 'self', type: FEED_MEDIA_TYPES.atom, href: doc.self.atom }),
    element('link', { rel: 'alternate', type: 'text/html', href: doc.homeUrl }),
    element('link', { rel: 'alternate', type: FEED_MEDIA_TYPES.rss, href: doc.self.rss }),
    element('link', { rel: 'alternate', type: FEED_MEDIA_TYPES.json, href: doc.self.json }),
    doc.next && element('link', { rel: 'next', type: FEED_MEDIA_TYPES.atom, href: doc.next.atom }),
    doc.hub && element('link', { rel: 'hub', href: doc.hub }),
  ].filter((line): line is string => Boolean(line));
  yield `${XML_DECLARATION}\n${startTag('feed', { xmlns: 'http://www.w3.org/2005/Atom' })}${indent(head, 1)}`;
  for (const entry of doc.entries) yield indent([entryElement(entry)], 1);
  yield '\n</feed>\n';
}
