import * as cheerio from 'cheerio';
import { cutHtml, nestedDeeperThan } from '../processor/html-bounds.js';
import { LIMITS } from '../processor/limits.js';

export class PageTooDeepError extends Error {
  constructor() {
    super(`the page nests elements deeper than ${LIMITS.htmlDepth} levels`);
    this.name = 'PageTooDeepError';
  }
}

/**
 * A whole untrusted HTML page for cheerio: its first LIMITS.pageChars, checked for nesting first (linear), then parsed
 * with htmlparser2, which is linear on bounded nesting where cheerio's default parse5 is not (a 10 MiB nested page did
 * not finish in 4 minutes; a 10 MiB ordinary one takes htmlparser2 about 2 s, hence the cut).
 */
export function loadPage(page: string): cheerio.CheerioAPI {
  const html = cutHtml(page, LIMITS.pageChars);
  if (nestedDeeperThan(html, LIMITS.htmlDepth)) throw new PageTooDeepError();
  return cheerio.load(html, { xml: { xmlMode: false, decodeEntities: true, encodeEntities: 'utf8' } });
}
