/**
 * Postgres array literals, bound as one parameter and cast in SQL (`= any(${textArray(ids)}::text[])`): a list of any
 * length stays one bind value, where the query builder would add one per element.
 */
export const textArray = (values: readonly string[]): string =>
  `{${values.map((v) => `"${v.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;

/** The same for ids and band keys (`::bigint[]`): numbers need no quoting. */
export const bigintArray = (values: readonly (number | bigint)[]): string => `{${values.join(',')}}`;

/**
 * Rows as JSON arrays of at most about `maxChars` each (a row longer than that travels alone), for statements that
 * read one JSON parameter. The driver copies a parameter several times on its way to the socket, and buffers past
 * ~128 KiB are fresh memory each time: 50 articles in one 375 KB parameter cost 4× the CPU of the same bytes in
 * 94 KB ones.
 */
export function jsonChunks(rows: readonly unknown[], maxChars = 64 * 1024): string[] {
  const chunks: string[] = [];
  let parts: string[] = [];
  let size = 0;
  for (const row of rows) {
    const json = JSON.stringify(row);
    if (parts.length > 0 && size + json.length > maxChars) {
      chunks.push(`[${parts.join(',')}]`);
      parts = [];
      size = 0;
    }
    parts.push(json);
    size += json.length + 1;
  }
  if (parts.length > 0) chunks.push(`[${parts.join(',')}]`);
  return chunks;
}
