import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { queryRows } from '../db/rows.js';
import { postTo } from './post.js';

/**
 * Records that feed `name` now has `digest`, true only for the one caller that changed it: with several worker
 * processes seeing the same change, the external hub is notified once.
 */
export async function claimPublish(db: Db, name: string, digest: string): Promise<boolean> {
  const rows = await queryRows<{ key: string }>(
    db,
    sql`
    insert into meta (key, value) values (${`websub_published:${name}`}, ${digest})
    on conflict (key) do update set value = excluded.value where meta.value is distinct from excluded.value
    returning key`,
  );
  return rows.length > 0;
}

/** Tells an external hub that a topic changed (hub.mode=publish, hub.url=topic): it fetches the feed itself. */
export async function notifyHub(
  hub: string,
  topic: string,
  options: { timeoutMs: number; userAgent: string },
): Promise<void> {
  const status = await postTo(hub, {
    body: Buffer.from(new URLSearchParams({ 'hub.mode': 'publish', 'hub.url': topic }).toString()),
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': options.userAgent },
    timeoutMs: options.timeoutMs,
    // The operator's own choice of hub, which may well sit on their private network.
    allowPrivate: true,
  });
  if (status < 200 || status >= 300) throw new Error(`the hub answered HTTP ${status}`);
}
