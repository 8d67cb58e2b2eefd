/** The driver's own message: drizzle wraps it in "Failed query: <the whole SQL>", which tells an operator nothing. */
export function databaseErrorMessage(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? err.cause : undefined;
  return cause?.message ?? err.message;
}
