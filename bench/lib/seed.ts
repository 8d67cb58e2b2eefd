import { sql } from 'drizzle-orm';
import { parseConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import type { Db } from '../../src/db/client.js';
import { syncTopics } from '../../src/storage/topics.js';

/** Bulk-inserts stored articles (with stories and 20 band keys each) up to `total`, in SQL, so 1 M takes minutes. */
export async function seedTo(db: Db, from: number, total: number): Promise<void> {
  // Loading 20 M band rows is far faster with the indexes built afterwards.
  await db.execute(sql`alter table article_bands drop constraint article_bands_band_article_id_pk`);
  await db.execute(sql`drop index article_bands_article_idx`);
  for (let start = from + 1; start <= total; start += 100_000) {
    const end = Math.min(total, start + 99_999);
    await db.execute(sql`insert into stories (id, uid, title, link, lead_article_id, published_at, updated_at)
      select g, 'urn:seed:' || g, 'seeded story ' || g, 'https://seed.example/' || g, g, now() - (g || ' seconds')::interval, now()
      from generate_series(${start}::bigint, ${end}::bigint) g`);
    await db.execute(sql`insert into articles (id, source_id, guid, url, canonical_url, title, text, published_at, content_hash, fingerprint, story_id)
      select g, 'seed', 's' || g, 'https://seed.example/' || g, 'https://seed.example/' || g, 'seeded story ' || g,
        repeat(md5(g::text) || ' ', 40), now() - (g || ' seconds')::interval, md5(g::text), md5(g::text), g
      from generate_series(${start}::bigint, ${end}::bigint) g`);
    await db.execute(sql`insert into article_bands (band, article_id)
      select (b::bigint << 32) | (hashint8(g * 20 + b)::bigint & 4294967295), g
      from generate_series(${start}::bigint, ${end}::bigint) g, generate_series(0, 19) b`);
  }
  await db.execute(
    sql`alter table article_bands add constraint article_bands_band_article_id_pk primary key (band, article_id)`,
  );
  await db.execute(sql`create index article_bands_article_idx on article_bands (article_id)`);
  await db.execute(sql`select setval('stories_id_seq', ${total}::bigint), setval('articles_id_seq', ${total}::bigint)`);
  // Measure a settled database, as a long-running one is: not one still vacuuming and checkpointing the bulk load.
  await db.execute(sql`vacuum analyze`);
  await db.execute(sql`checkpoint`);
}

/**
 * The config the serving benches run with (one seed source, a topic "defense", links under http://bench.test), its
 * topic synced, and every `every`th seeded story put in the topic.
 */
export async function seedDefenseTopic(db: Db, every: number): Promise<Config> {
  const parsed = parseConfig(
    `sources:\n  - { id: seed, url: "https://seed.example/" }\ntopics:\n  - { id: defense, include: [missile] }\noutput: { baseUrl: "http://bench.test" }\n`,
    'bench.yaml',
  );
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  await syncTopics(db, parsed.config);
  await db.execute(
    sql`insert into story_topics (topic_id, story_id, published_at) select 'defense', id, published_at from stories where id % ${every} = 0`,
  );
  return parsed.config;
}
