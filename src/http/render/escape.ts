import { stripForbidden } from '../../processor/hygiene.js';

const REFERENCES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '\r': '&#13;' };

/**
 * The one escaping helper for XML and HTML output, safe both as element text and inside a quoted attribute value:
 * markup characters become references (`>` too, so `]]>` never appears), CR survives parsing, and the characters
 * XML 1.0 forbids are dropped (a reference to them is not well-formed either), whatever got past ingest.
 */
export function escapeXml(text: string): string {
  return stripForbidden(text).replace(/[&<>"'\r]/g, (c) => REFERENCES[c]!);
}
