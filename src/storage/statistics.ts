import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { queryRows } from '../db/rows.js';
import { metrics } from '../metrics/registry.js';

/**
 * Keeps the planner's statistics of the ingest tables current ourselves. PGlite has no autovacuum at all, a server may
 * run with it off, and during a first pass it lags anyway: without statistics Postgres guesses thousands of rows per
 * content hash or band key and plans scans of whole tables (the exact-key lookup of a first pass: 14.5 ms a batch,
 * 0.7 ms with statistics). After a store, once the articles added since the last ANALYZE reach half of what the table
 * held then (and at least a thousand), one ANALYZE runs in the background; its columns are the ones lookups filter
 * on, not the texts.
 */
const MIN_GROWTH = 1000;
const GROWTH = 0.5;

interface State {
  /** Articles when statistics were last taken (-1: not read yet). */
  base: number;
  added: number;
  running?: Promise<void>;
}

const states = new WeakMap<Db, State>();

const ANALYZE = sql`analyze articles (id, source_id, guid, canonical_url, content_hash, story_id, published_at),
  article_bands, stories (id, uid, published_at, updated_at, article_count), story_topics`;

/** Notes `added` new articles; may start an ANALYZE (not awaited). Returns it, for tests. */
export function noteArticlesAdded(db: Db, added: number): Promise<void> | undefined {
  let state = states.get(db);
  if (!state) states.set(db, (state = { base: -1, added: 0 }));
  state.added += added;
  if (state.running || state.added < Math.max(MIN_GROWTH, state.base * GROWTH)) return undefined;
  const current = state;
  const run = async () => {
    try {
      if (current.base < 0) {
        current.base = await analyzedRows(db);
        if (current.added < Math.max(MIN_GROWTH, current.base * GROWTH)) return;
      }
      const added = current.added;
      await db.execute(ANALYZE);
      current.base = await analyzedRows(db);
      current.added -= added;
      metrics.statisticsRefreshed.inc({ outcome: 'ok' });
    } catch {
      // A database that is down fails the next store loudly; statistics are retried after the next growth.
      metrics.statisticsRefreshed.inc({ outcome: 'error' });
    } finally {
      current.running = undefined;
    }
  };
  current.running = run();
  return current.running;
}

/** The planner's row count of `articles` (0 before it was ever analyzed). */
async function analyzedRows(db: Db): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    db,
    sql`select greatest(reltuples, 0)::float8 as n from pg_class where oid = 'articles'::regclass`,
  );
  return Number(row?.n ?? 0);
}
