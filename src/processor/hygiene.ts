// Characters XML 1.0 forbids (C0 controls but tab, newline and carriage return; U+FFFE/U+FFFF) and unpaired
// surrogates: Postgres refuses NUL, every XML output would be ill-formed, and none of them is text a reader needs.
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** The text without the characters XML forbids. */
export function stripForbidden(text: string): string {
  return text.replace(FORBIDDEN, '');
}

/** `text` cut to at most `max` characters, on a word boundary when one is near, never inside a surrogate pair. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const space = text.lastIndexOf(' ', end);
  if (space > max * 0.8) end = space;
  if (/[\uD800-\uDBFF]/.test(text.charAt(end - 1))) end--;
  return `${text.slice(0, end).trimEnd()}…`;
}
