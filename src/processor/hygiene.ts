// Defined with the escaping helper it serves; re-exported for the ingest code that imports it from here.
export { stripForbidden } from '../util/escape.js';

/** `text` cut to at most `max` characters, on a word boundary when one is near, never inside a surrogate pair. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const space = text.lastIndexOf(' ', end);
  if (space > max * 0.8) end = space;
  if (/[\uD800-\uDBFF]/.test(text.charAt(end - 1))) end--;
  return `${text.slice(0, end).trimEnd()}…`;
}
