import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshTopics } from '../../src/bootstrap.js';
import type { Database } from '../../src/db/client.js';
import { stories, storyTopics } from '../../src/db/schema.js';
import { runPass } from '../../src/worker/pass.js';
import { contextFromYaml } from '../helpers/context.js';
import { testDatabases } from '../helpers/database.js';
import { startFixtureServer, type FixtureServer } from '../helpers/fixture-server.js';

const FEED = `<rss version="2.0"><channel><title>Mixed</title>
<item><guid>1</guid><title>NATO summit agrees on air defence</title></item>
<item><guid>2</guid><title>Donation drive for the local school</title></item>
<item><guid>3</guid><title>Ukrainian cuisine festival opens</title></item>
<item><guid>4</guid><title>Rocket salad and other spring recipes</title></item>
<item><guid>5</guid><title>Rockets launched from the coast</title></item>
</channel></rss>`;

describe.each(testDatabases())('stored topic matches on $name', (testDb) => {
  let feeds: FixtureServer;
  let database: Database;
  const yaml = (topics: string) => `sources:\n  - { id: mixed, url: "${feeds.url}/feed.xml" }\ntopics:\n${topics}`;
  const members = async (topic: string) =>
    (
      await database.db
        .select({ title: stories.title })
        .from(storyTopics)
        .innerJoin(stories, eq(stories.id, storyTopics.storyId))
        .where(and(eq(storyTopics.topicId, topic)))
    )
      .map((r) => r.title)
      .sort();

  beforeAll(async () => {
    feeds = await startFixtureServer({ '/feed.xml': { body: FEED } });
    database = await testDb.open();
  });
  afterAll(async () => {
    await database?.close();
    await feeds?.close();
  });

  it('links stories to topics at ingest, without the hard negatives', async () => {
    const ctx = await contextFromYaml(
      yaml('  - { id: defense, include: [NATO, Ukraine] }\n  - { id: rockets, include: [rocket] }'),
      database,
    );
    await runPass(ctx, { force: true });
    expect(await members('defense')).toEqual(['NATO summit agrees on air defence']);
    expect(await members('rockets')).toEqual(['Rocket salad and other spring recipes']);
  });

  it('re-evaluates stored stories when a topic changes, and drops removed topics', async () => {
    const ctx = await contextFromYaml(
      yaml(
        '  - { id: defense, include: [NATO, "Ukrain*"] }\n  - { id: space, include: ["rocket*"], exclude: [salad] }',
      ),
      database,
    );
    await refreshTopics(ctx);
    expect(await members('defense')).toEqual(['NATO summit agrees on air defence', 'Ukrainian cuisine festival opens']);
    expect(await members('space')).toEqual(['Rockets launched from the coast']);
    expect(await members('rockets')).toEqual([]);
  });
});
