import type * as cheerio from 'cheerio';
import type { ScrapeConfig } from '../config/schema.js';
import { loadPage } from './html-page.js';
import type { ParseOptions, ParsedFeed, ParsedItem } from './types.js';

type Page = cheerio.CheerioAPI;
type Selection = ReturnType<Page>;

/** "h2 a@href" reads the attribute of the first match; "h2" reads its text; "@href" reads the item's own attribute. */
function read(item: Selection, selector: string): string | undefined {
  const at = selector.lastIndexOf('@');
  const css = (at >= 0 ? selector.slice(0, at) : selector).trim();
  const target = css ? item.find(css).first() : item;
  if (target.length === 0) return undefined;
  const value = at >= 0 ? target.attr(selector.slice(at + 1).trim()) : target.text();
  const collapsed = value?.replace(/\s+/g, ' ').trim();
  return collapsed || undefined;
}

/**
 * Items of an HTML page without a feed, picked with the source's CSS selectors, the first `maxItems` of them; items
 * without title or link are skipped.
 */
export function scrapeFeed(html: string, scrape: ScrapeConfig, options: ParseOptions): ParsedFeed {
  const $ = loadPage(html);
  const items: ParsedItem[] = [];
  const found = $(scrape.item);
  found.slice(0, options.maxItems).each((_, el) => {
    const item = $(el);
    const title = read(item, scrape.title);
    const link = read(item, scrape.link);
    if (!title || !link) return;
    const summaryEl = scrape.summary ? item.find(scrape.summary).first() : undefined;
    items.push({
      guid: link,
      link,
      title,
      summary: summaryEl && summaryEl.length > 0 ? (summaryEl.html() ?? undefined) : undefined,
      published: scrape.date ? read(item, scrape.date) : undefined,
      categories: [],
      enclosures: [],
    });
  });
  return {
    format: 'html',
    title: $('title').first().text().trim() || undefined,
    items,
    ...(found.length > options.maxItems ? { itemsInDocument: found.length } : {}),
  };
}
