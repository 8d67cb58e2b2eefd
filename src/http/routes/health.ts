import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { sql } from 'drizzle-orm';
import { MIGRATIONS_DIR } from '../../db/client.js';
import { databaseErrorMessage } from '../../db/errors.js';
import { queryRows } from '../../db/rows.js';
import type { AppContext } from '../../worker/context.js';

/** How many migrations this build ships: the database is ready once it has applied at least these. */
const shippedMigrations = (): number =>
  (JSON.parse(readFileSync(join(MIGRATIONS_DIR, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] }).entries
    .length;

export function registerHealthRoutes(app: FastifyInstance, ctx: () => AppContext): void {
  const expected = shippedMigrations();
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    try {
      const [row] = await queryRows<{ applied: number }>(
        ctx().database.db,
        sql`select count(*)::int as applied from drizzle.__drizzle_migrations`,
      );
      const applied = Number(row?.applied ?? 0);
      if (applied < expected) {
        return reply.code(503).header('retry-after', '5').send({ status: 'migrations pending', applied, expected });
      }
      return { status: 'ready', migrations: applied };
    } catch (err) {
      return reply
        .code(503)
        .header('retry-after', '5')
        .send({ status: 'unavailable', error: databaseErrorMessage(err) });
    }
  });
}
