// Characters XML 1.0 cannot carry at all (§2.2): C0 controls other than tab, LF and CR, U+FFFE/U+FFFF and surrogates
// not part of a pair. Dropped rather than escaped: a character reference to them is not well-formed either.
// eslint-disable-next-line no-control-regex -- these control characters are what the expression is for
const XML_FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const REFERENCES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '\r': '&#13;' };

/** Text without the characters XML 1.0 forbids. */
export function xmlCarriable(text: string): string {
  return text.replace(XML_FORBIDDEN, '');
}

/**
 * The one escaping helper for XML and HTML output, safe both as element text and inside a quoted attribute value:
 * markup characters become references (`>` too, so `]]>` never appears), CR survives parsing, forbidden characters go.
 */
export function escapeXml(text: string): string {
  return xmlCarriable(text).replace(/[&<>"'\r]/g, (c) => REFERENCES[c]!);
}
