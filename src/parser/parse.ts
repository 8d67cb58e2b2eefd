import { setImmediate as nextTurn } from 'node:timers/promises';
import { decodeBody, isAsciiCompatible } from './decode.js';
import { parseJsonFeed } from './jsonfeed.js';
import { keepNewestItemBytes } from './keep-newest.js';
import { MAX_XML_DEPTH, parseXmlFeed } from './rss.js';
import { ByteText } from '../util/tags.js';
import { xmlShape } from './xml-shape.js';
import { DEFAULT_MAX_ITEMS, NotAFeedError, type ParseOptions, type ParsedFeed } from './types.js';

/** A document this long (decoded) is big enough that the event loop gets a turn between decoding and parsing it. */
const BIG_DOCUMENT_CHARS = 1 << 20;

const looksLikeHtml = (head: string) =>
  /^\s*(<!doctype html|<html[\s>])/i.test(head) ||
  (/<html[\s>]/i.test(head) && !/<(rss|feed|rdf:RDF)[\s>]/i.test(head));

/** Parses decoded text as whatever feed format it is; an HTML page or junk throws NotAFeedError. */
export async function parseFeed(
  text: string,
  contentType = '',
  options: ParseOptions = { maxItems: DEFAULT_MAX_ITEMS },
): Promise<ParsedFeed> {
  const body = text.replace(/^\uFEFF/, '');
  const trimmed = body.trimStart();
  if (trimmed.length === 0) throw new NotAFeedError('empty response body');
  if (trimmed.startsWith('{') || (/json/i.test(contentType) && !trimmed.startsWith('<')))
    return parseJsonFeed(trimmed, options);
  const head = trimmed.slice(0, 2048);
  if (looksLikeHtml(head)) throw new NotAFeedError('got an HTML page, not a feed', body);
  if (!trimmed.startsWith('<')) throw new NotAFeedError('response is neither XML nor JSON');
  return parseXmlFeed(trimmed, options);
}

/**
 * Parses a response body. An XML feed with more items than are kept, in an ASCII-compatible encoding, is cut to its
 * newest items before it is decoded: a million-item feed then costs its bytes, not its bytes and a string as large.
 */
export async function parseFeedBody(
  bytes: Buffer,
  contentType = '',
  options: ParseOptions = { maxItems: DEFAULT_MAX_ITEMS },
): Promise<ParsedFeed> {
  const cut = cutXmlBytes(bytes, contentType, options.maxItems);
  const text = decodeBody(cut?.xml ?? bytes, contentType);
  // Decoding a big document takes tens of ms (60 for 10 MiB): the event loop gets a turn before parsing starts.
  if (text.length > BIG_DOCUMENT_CHARS) await nextTurn();
  const feed = await parseFeed(text, contentType, options);
  return cut ? { ...feed, itemsInDocument: cut.total } : feed;
}

function cutXmlBytes(bytes: Buffer, contentType: string, maxItems: number) {
  const first = bytes.findIndex((b) => b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09);
  const startsLikeXml = bytes[first] === 0x3c || (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf);
  if (!startsLikeXml || !isAsciiCompatible(bytes, contentType)) return undefined;
  const shape = xmlShape(new ByteText(bytes));
  // Too deep is refused by the string parser, with its own message; HTML pages go there too.
  if (shape.items <= maxItems || shape.depth > MAX_XML_DEPTH || !shape.root || /^html$/i.test(shape.root))
    return undefined;
  return keepNewestItemBytes(bytes, maxItems, shape.items);
}
