import { inArray, sql } from 'drizzle-orm';
import { bigintArray } from '../db/arrays.js';
import { articleBands } from '../db/schema.js';
import type { DbOrTx } from './tx.js';

/** Replaces the band keys of some articles (on insert, `fresh`: nothing to replace, and when their text changes). */
export async function saveBands(
  db: DbOrTx,
  entries: { articleId: number; bands: readonly bigint[] }[],
  options: { fresh?: boolean } = {},
): Promise<void> {
  if (entries.length === 0) return;
  if (!options.fresh)
    await db.delete(articleBands).where(
      inArray(
        articleBands.articleId,
        entries.map((e) => e.articleId),
      ),
    );
  const bands = entries.flatMap((e) => e.bands);
  const ids = entries.flatMap((e) => e.bands.map(() => e.articleId));
  // Two array parameters instead of a VALUES list: ~20 rows an article add up, and building them value by value
  // through the query builder cost more than the insert itself. No ON CONFLICT: an article's keys are unique (see
  // sketch()) and its old ones are gone, and the speculative insertion it needs cost 40 % more (500,000 rows: 2.0–2.3 s
  // against 1.4 s).
  for (let i = 0; i < bands.length; i += 20_000) {
    await db.execute(sql`insert into ${articleBands} (band, article_id)
      select * from unnest(${bigintArray(bands.slice(i, i + 20_000))}::bigint[], ${bigintArray(ids.slice(i, i + 20_000))}::bigint[])`);
  }
}
