// Characters XML 1.0 forbids (C0 controls but tab, newline and carriage return; U+FFFE/U+FFFF) and unpaired
// surrogates: Postgres refuses NUL, every XML output would be ill-formed, and none of them is text a reader needs.
// eslint-disable-next-line no-control-regex
const FORBIDDEN =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** The text without the characters XML forbids. */
export function stripForbidden(text: string): string {
  return text.replace(FORBIDDEN, '');
}

const REFERENCES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '\r': '&#13;',
};

/**
 * The one escaping helper for XML and HTML, safe both as element text and inside a quoted attribute value: markup
 * characters become references (`>` too, so `]]>` never appears), CR survives parsing, and the characters XML 1.0
 * forbids are dropped (a reference to them is not well-formed either).
 */
export function escapeXml(text: string): string {
  return stripForbidden(text).replace(/[&<>"'\r]/g, (c) => REFERENCES[c]!);
}
