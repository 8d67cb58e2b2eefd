/** "2026-12-01 12:34" (UTC, to the minute) for tables and pages; `none` when there is no date. */
export function shortTime(date: Date | null | undefined, none = '-'): string {
  return date ? date.toISOString().replace('T', ' ').slice(0, 16) : none;
}
