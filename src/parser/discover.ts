import { loadPage } from './html-page.js';
import { isHttpUrl } from '../util/url.js';

const FEED_TYPES = /^application\/(rss|atom|feed|rdf)\+(xml|json)$|^application\/(xml|json)$|^text\/xml$/i;

/** Feed URLs an HTML page advertises with <link rel="alternate">, absolute, in page order (the first is preferred). */
export function discoverFeedLinks(html: string, pageUrl: string): string[] {
  const $ = loadPage(html);
  const base = $('base[href]').attr('href');
  const found: string[] = [];
  $('link[rel][href]').each((_, el) => {
    const rel = ($(el).attr('rel') ?? '').toLowerCase().split(/\s+/);
    const type = ($(el).attr('type') ?? '').trim();
    if (!rel.includes('alternate') || !FEED_TYPES.test(type)) return;
    try {
      const url = new URL($(el).attr('href')!.trim(), new URL(base ?? pageUrl, pageUrl));
      if (isHttpUrl(url) && !found.includes(url.href)) found.push(url.href);
    } catch {
      // A malformed href is skipped; the page may list others.
    }
  });
  return found;
}
