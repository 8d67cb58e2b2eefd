/**
 * Postgres array literals, bound as one parameter and cast in SQL (`= any(${textArray(ids)}::text[])`): a list of any
 * length stays one bind value, where the query builder would add one per element.
 */
export const textArray = (values: readonly string[]): string =>
  `{${values.map((v) => `"${v.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;

/** The same for ids and band keys (`::bigint[]`): numbers need no quoting. */
export const bigintArray = (values: readonly (number | bigint)[]): string => `{${values.join(',')}}`;
