import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/helpers/database.js';
import { openDatabase } from './client.js';
import { isDatabaseUnavailable } from './unavailable.js';

/** The error a real query raises, as the caller sees it (drizzle's wrapper around the driver's error). */
async function errorOf(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (err) {
    return err;
  }
  throw new Error('expected the query to fail');
}

describe('isDatabaseUnavailable', () => {
  it('a server that refuses the connection is an outage', async () => {
    const database = await openDatabase({ url: 'postgres://postgres@127.0.0.1:1/none' });
    try {
      expect(isDatabaseUnavailable(await errorOf(() => database.db.execute(sql`select 1`)))).toBe(true);
    } finally {
      await database.close();
    }
  });

  it('server error codes of the outage kind', () => {
    const withCode = (code: string) =>
      Object.assign(new Error('wrapped'), { cause: Object.assign(new Error('driver'), { code }) });
    for (const code of ['08006', '08001', '57P01', '57P03', '53300'])
      expect(isDatabaseUnavailable(withCode(code)), code).toBe(true);
    for (const code of ['42P01', '22021', '23505', '40P01', '57014'])
      expect(isDatabaseUnavailable(withCode(code)), code).toBe(false);
    expect(isDatabaseUnavailable(new Error('connection refused'))).toBe(false);
    expect(isDatabaseUnavailable('ECONNREFUSED')).toBe(false);
  });

  describe.each(testDatabases())('on $name', (testDb) => {
    it('a query the database refuses is not an outage; a closed database is', async () => {
      const database = await testDb.open();
      try {
        expect(isDatabaseUnavailable(await errorOf(() => database.db.execute(sql`select * from no_such_table`)))).toBe(
          false,
        );
        expect(isDatabaseUnavailable(await errorOf(() => database.db.execute(sql`select 1 / 0`)))).toBe(false);
      } finally {
        await database.close();
      }
      expect(isDatabaseUnavailable(await errorOf(() => database.db.execute(sql`select 1`)))).toBe(true);
    });
  });
});
