import iconv from 'iconv-lite';

/** Charset named by a Content-Type header, if any. */
export function charsetFromContentType(contentType: string | undefined): string | undefined {
  const match = /charset\s*=\s*["']?([^"';\s]+)/i.exec(contentType ?? '');
  return match?.[1]?.toLowerCase();
}

function sniffBom(bytes: Buffer): { charset: string; skip: number } | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { charset: 'utf-8', skip: 3 };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { charset: 'utf-16le', skip: 2 };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { charset: 'utf-16be', skip: 2 };
  return undefined;
}

/** UTF-16 without a BOM still starts with "<" (or whitespace) next to a zero byte. */
function sniffUtf16(bytes: Buffer): string | undefined {
  if (bytes.length < 4) return undefined;
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

/**
 * Decodes a response body: BOM, then the HTTP charset, then the XML declaration (or HTML meta), else UTF-8.
 * A declared single-byte charset on bytes that are valid UTF-8 is treated as the common mislabel it is.
 * Invalid bytes become U+FFFD; unknown charset names fall back to UTF-8.
 */
export function decodeBody(bytes: Buffer, contentType?: string): string {
  const bom = sniffBom(bytes);
  if (bom) return iconv.decode(bytes.subarray(bom.skip), bom.charset);
  const utf16 = sniffUtf16(bytes);
  if (utf16) return iconv.decode(bytes, utf16);
  let charset = charsetFromContentType(contentType) ?? charsetFromXmlDeclaration(bytes) ?? charsetFromHtmlMeta(bytes);
  if (!charset || !iconv.encodingExists(charset)) charset = 'utf-8';
  const ascii = !bytes.some((b) => b >= 0x80);
  if (ascii || (charset !== 'utf-8' && /^(iso-8859-1|latin1|windows-1252|us-ascii)$/.test(charset) && isValidUtf8(bytes))) {
    charset = 'utf-8';
  }
  if (charset === 'utf-8' || charset === 'utf8') return new TextDecoder('utf-8').decode(bytes);
  return iconv.decode(bytes, charset);
}
