export interface Cursor {
  publishedAt: Date;
  id: number;
}

// Publication times a cursor may carry: those the database and every output format can write (years 1 to 9999).
const MIN_TIME = Date.UTC(1, 0, 1);
const MAX_TIME = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** Opaque page cursor: the last story's publication time and id. */
export function encodeCursor(publishedAt: Date, id: number): string {
  return Buffer.from(`${publishedAt.getTime()}:${id}`).toString('base64url');
}

/** The cursor, or undefined unless it is exactly what encodeCursor writes for a time in range and a positive id. */
export function decodeCursor(cursor: string): Cursor | undefined {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(cursor)) return undefined;
  const match = /^(-?\d{1,15}):(\d{1,16})$/.exec(Buffer.from(cursor, 'base64url').toString('latin1'));
  if (!match) return undefined;
  const time = Number(match[1]);
  const id = Number(match[2]);
  if (time < MIN_TIME || time > MAX_TIME || !Number.isSafeInteger(id) || id < 1) return undefined;
  // Base64 has several spellings of the same bytes (trailing bits): only the canonical one names a page.
  if (encodeCursor(new Date(time), id) !== cursor) return undefined;
  return { publishedAt: new Date(time), id };
}
