/**
 * Suites that need something a machine may lack (Chromium, the shared corpus, a Postgres server). Where it is missing
 * the suite is skipped with a loud line on stderr, so a local run says what it did not check; under
 * TRIBUTARY_REQUIRE_ALL=1 (set by .ci/run) a missing requirement fails the run instead, so CI can never pass by skipping.
 *
 * Returns true when the suite must be skipped: `describe.skipIf(missing('Chromium', existsSync(path), 'apt-get install chromium'))`.
 */
export function missing(what: string, available: boolean, howToGet: string): boolean {
  if (available) return false;
  const message = `${what} is not available (${howToGet})`;
  if (process.env.TRIBUTARY_REQUIRE_ALL === '1') throw new Error(`required by TRIBUTARY_REQUIRE_ALL: ${message}`);
  process.stderr.write(`\n  !!! SKIPPED: ${message}; the suite that needs it did not run\n\n`);
  return true;
}

/** The admin URL of the real Postgres server for tests, if any. */
export const postgresAdminUrl = process.env.TEST_DATABASE_URL;

export const missingPostgres = (suite: string) =>
  missing(
    `TEST_DATABASE_URL (a real Postgres server) for ${suite}`,
    Boolean(postgresAdminUrl),
    'set TEST_DATABASE_URL=postgres://…',
  );
