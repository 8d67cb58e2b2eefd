import { parseJsonFeed } from './jsonfeed.js';
import { parseXmlFeed } from './rss.js';
import { DEFAULT_MAX_ITEMS, NotAFeedError, type ParseOptions, type ParsedFeed } from './types.js';

const looksLikeHtml = (head: string) =>
  /^\s*(<!doctype html|<html[\s>])/i.test(head) || (/<html[\s>]/i.test(head) && !/<(rss|feed|rdf:RDF)[\s>]/i.test(head));

/** Parses decoded text as whatever feed format it is; an HTML page or junk throws NotAFeedError. */
export async function parseFeed(text: string, contentType = '', options: ParseOptions = { maxItems: DEFAULT_MAX_ITEMS }): Promise<ParsedFeed> {
  const body = text.replace(/^\uFEFF/, '');
  const trimmed = body.trimStart();
  if (trimmed.length === 0) throw new NotAFeedError('empty response body');
  if (trimmed.startsWith('{') || /json/i.test(contentType) && !trimmed.startsWith('<')) return parseJsonFeed(trimmed, options);
  const head = trimmed.slice(0, 2048);
  if (looksLikeHtml(head)) throw new NotAFeedError('got an HTML page, not a feed', body);
  if (!trimmed.startsWith('<')) throw new NotAFeedError('response is neither XML nor JSON');
  return parseXmlFeed(trimmed, options);
}
