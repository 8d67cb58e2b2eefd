import chardet from 'chardet';
import iconv from 'iconv-lite';

/** Charset named by a Content-Type header, if any. */
export function charsetFromContentType(contentType: string | undefined): string | undefined {
  const match = /charset\s*=\s*["']?([^"';\s]+)/i.exec(contentType ?? '');
  return match?.[1]?.toLowerCase();
}

function sniffBom(bytes: Buffer): { charset: string; skip: number } | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { charset: 'utf-8', skip: 3 };
  // Before UTF-16: the UTF-32LE BOM starts with the UTF-16LE one.
  if (bytes[0] === 0xff && bytes[1] === 0xfe && bytes[2] === 0 && bytes[3] === 0)
    return { charset: 'utf-32le', skip: 4 };
  if (bytes[0] === 0 && bytes[1] === 0 && bytes[2] === 0xfe && bytes[3] === 0xff)
    return { charset: 'utf-32be', skip: 4 };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { charset: 'utf-16le', skip: 2 };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { charset: 'utf-16be', skip: 2 };
  return undefined;
}

/** UTF-16 and UTF-32 without a BOM still start with "<" (or whitespace) next to zero bytes. */
function sniffWide(bytes: Buffer): string | undefined {
  if (bytes.length < 4) return undefined;
  if (bytes[0] === 0 && bytes[1] === 0 && bytes[2] === 0 && bytes[3] !== 0) return 'utf-32be';
  if (bytes[0] !== 0 && bytes[1] === 0 && bytes[2] === 0 && bytes[3] === 0) return 'utf-32le';
  if (bytes[0] === 0 && bytes[1] !== 0 && bytes[2] === 0) return 'utf-16be';
  if (bytes[0] !== 0 && bytes[1] === 0 && bytes[3] === 0) return 'utf-16le';
  return undefined;
}

function charsetFromXmlDeclaration(bytes: Buffer): string | undefined {
  const head = bytes.subarray(0, 512).toString('latin1');
  return /^\s*<\?xml[^>]*encoding\s*=\s*["']([^"']+)["']/i.exec(head)?.[1]?.toLowerCase();
}

function charsetFromHtmlMeta(bytes: Buffer): string | undefined {
  const head = bytes.subarray(0, 2048).toString('latin1');
  return /<meta[^>]+charset\s*=\s*["']?([\w-]+)/i.exec(head)?.[1]?.toLowerCase();
}

const isValidUtf8 = (bytes: Buffer) => {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
};

// What a detector's answer means when decoding: browsers read Latin-1 labels as windows-1252, its superset.
const DETECTED_ALIASES: Record<string, string> = { 'iso-8859-1': 'windows-1252' };

/**
 * The legacy charset of bytes that declare none and are not UTF-8, as chardet guesses it from their first 64 KiB;
 * undefined when it guesses a Unicode form (which the bytes just failed to be) or something iconv cannot decode.
 */
function detectLegacyCharset(bytes: Buffer): string | undefined {
  const guess = chardet.detect(bytes.subarray(0, 64 * 1024))?.toLowerCase();
  if (!guess || /^utf|^ucs|^ascii/.test(guess)) return undefined;
  const charset = DETECTED_ALIASES[guess] ?? guess;
  return iconv.encodingExists(charset) ? charset : undefined;
}

// Encodings in which "<", ">", quotes and "/" can be part of another character: never cut their bytes as markup.
const NOT_ASCII_COMPATIBLE = /^(utf-?(16|32|7)|ucs|iso-?2022|hz|cp1200|unicode)/;

/**
 * Whether the body's markup can be read byte by byte before it is decoded: no UTF-16/32 BOM or zero-byte pattern, no
 * declared 7-bit or wide encoding, and no escape byte (ISO-2022 switches) near the start.
 */
export function isAsciiCompatible(bytes: Buffer, contentType?: string): boolean {
  const bom = sniffBom(bytes);
  if ((bom && bom.charset !== 'utf-8') || sniffWide(bytes)) return false;
  const declared = charsetFromContentType(contentType) ?? charsetFromXmlDeclaration(bytes);
  if (declared && NOT_ASCII_COMPATIBLE.test(declared)) return false;
  return !bytes.subarray(0, 64 * 1024).includes(0x1b);
}

/**
 * Decodes a response body: BOM (UTF-8, UTF-16, UTF-32), then the HTTP charset, then the XML declaration (or HTML meta),
 * else UTF-8, and when the bytes declare nothing and are not UTF-8, a detector's guess. A declared single-byte charset
 * on bytes that are valid UTF-8 is treated as the common mislabel it is. Invalid bytes become U+FFFD; unknown charset
 * names fall back to UTF-8.
 */
export function decodeBody(bytes: Buffer, contentType?: string): string {
  const bom = sniffBom(bytes);
  if (bom) return iconv.decode(bytes.subarray(bom.skip), bom.charset);
  const wide = sniffWide(bytes);
  if (wide) return iconv.decode(bytes, wide);
  const declared =
    charsetFromContentType(contentType) ?? charsetFromXmlDeclaration(bytes) ?? charsetFromHtmlMeta(bytes);
  let charset = declared;
  if (!charset || !iconv.encodingExists(charset)) charset = 'utf-8';
  const ascii = !bytes.some((b) => b >= 0x80);
  if (
    ascii ||
    (charset !== 'utf-8' && /^(iso-8859-1|latin1|windows-1252|us-ascii)$/.test(charset) && isValidUtf8(bytes))
  ) {
    charset = 'utf-8';
  }
  if (charset === 'utf-8' || charset === 'utf8') {
    const legacy = declared === undefined && !isValidUtf8(bytes) ? detectLegacyCharset(bytes) : undefined;
    return legacy ? iconv.decode(bytes, legacy) : new TextDecoder('utf-8').decode(bytes);
  }
  return iconv.decode(bytes, charset);
}
