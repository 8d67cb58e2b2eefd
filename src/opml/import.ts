import * as cheerio from 'cheerio';
import { isMap, isSeq, parseDocument, YAMLSeq } from 'yaml';
import { collapse } from '../processor/text.js';
import { foldText } from '../util/text.js';
import { httpUrlOf } from '../util/url.js';

export interface OpmlEntry {
  title: string;
  xmlUrl: string;
  htmlUrl?: string;
  tags: string[];
}

const tagOf = (text: string) =>
  collapse(text)
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-|-$/g, '');

/** Feeds of an OPML file; nested outlines' titles and `category` attributes become tags. */
export function parseOpml(xml: string): OpmlEntry[] {
  const $ = cheerio.load(xml, { xml: true });
  const entries: OpmlEntry[] = [];
  $('outline[xmlUrl], outline[xmlurl]').each((_, el) => {
    const node = $(el);
    const xmlUrl = (node.attr('xmlUrl') ?? node.attr('xmlurl') ?? '').trim();
    if (!httpUrlOf(xmlUrl)) return;
    const folders = node
      .parents('outline')
      .toArray()
      .reverse()
      .map((p) => $(p).attr('text') ?? $(p).attr('title') ?? '');
    const categories = (node.attr('category') ?? '').split(',').flatMap((c) => c.split('/'));
    const tags = [...new Set([...folders, ...categories].map(tagOf).filter(Boolean))];
    const title = collapse(node.attr('title') ?? node.attr('text') ?? '') || new URL(xmlUrl).hostname;
    entries.push({ title, xmlUrl, htmlUrl: node.attr('htmlUrl') ?? node.attr('htmlurl'), tags });
  });
  return entries;
}

const slugify = (text: string) =>
  foldText(text)
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40) || 'source';

/**
 * Adds OPML entries to the YAML text as new sources (ids slugified from titles, made unique), skipping feeds whose
 * URL is already there. Works on the YAML document, so comments and layout of the existing file survive.
 */
export function addSourcesToYaml(
  yamlText: string,
  entries: OpmlEntry[],
): { yaml: string; added: string[]; skipped: string[] } {
  const doc = parseDocument(yamlText);
  if (doc.errors.length > 0 || (doc.contents !== null && !isMap(doc.contents)))
    throw new Error('the configuration file is not a YAML mapping');
  let sources = doc.get('sources');
  if (!isSeq(sources)) {
    sources = new YAMLSeq();
    doc.set('sources', sources);
  }
  const seq = sources as YAMLSeq;
  const existing = seq.items.map((item) =>
    isMap(item) ? { id: String(item.get('id')), url: String(item.get('url')) } : undefined,
  );
  const ids = new Set(existing.map((e) => e?.id));
  const urls = new Set(existing.map((e) => e?.url));
  const added: string[] = [];
  const skipped: string[] = [];
  for (const entry of entries) {
    if (urls.has(entry.xmlUrl)) {
      skipped.push(entry.xmlUrl);
      continue;
    }
    const base = slugify(entry.title);
    let id = base;
    for (let n = 2; ids.has(id); n++) id = `${base}-${n}`;
    ids.add(id);
    urls.add(entry.xmlUrl);
    seq.add(
      doc.createNode({
        id,
        url: entry.xmlUrl,
        name: entry.title,
        ...(entry.tags.length > 0 ? { tags: entry.tags } : {}),
      }),
    );
    added.push(id);
  }
  return { yaml: doc.toString(), added, skipped };
}
