/** Opaque page cursor: the last story's publication time and id. */
export function encodeCursor(publishedAt: Date, id: number): string {
  return Buffer.from(`${publishedAt.getTime()}:${id}`).toString('base64url');
}

export function decodeCursor(cursor: string): { publishedAt: Date; id: number } | undefined {
  const match = /^(\d+):(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) return undefined;
  return { publishedAt: new Date(Number(match[1])), id: Number(match[2]) };
}
