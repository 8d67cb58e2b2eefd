import { describe, expect, it } from 'vitest';
import { configSchema } from '../../config/schema.js';
import { topicTarget } from './topic.js';

const config = configSchema.parse({ topics: [{ id: 'space' }], output: { limit: 20 } });
const base = 'https://n.example/agg';

describe('topic URLs', () => {
  it("map Tributary's own feeds to the route, in the feed's canonical spelling", () => {
    const result = topicTarget(`${base}/feeds/space.atom?tag=nasa&limit=20&utm=x`, base, config);
    expect(result).toMatchObject({
      ok: true,
      canonical: `${base}/feeds/space.atom?tag=nasa`,
      target: { name: 'space', format: 'atom' },
    });
    if (result.ok) expect(result.target.query).toMatchObject({ limit: 20, tag: 'nasa' });
    expect(topicTarget(`${base}/feeds/all.json?limit=5`, base, config)).toMatchObject({
      ok: true,
      canonical: `${base}/feeds/all.json?limit=5`,
    });
  });

  it('refuse anything else', () => {
    for (const topic of [
      'https://other.example/agg/feeds/all.rss',
      'http://n.example/agg/feeds/all.rss',
      `${base}/feeds/nope.rss`,
      `${base}/feeds/all.html`,
      `${base}/opml`,
      'https://n.example/feeds/all.rss',
      `${base}/feeds/all.rss?before=abc`,
      `${base}/feeds/all.rss?limit=999`,
      `${base}/feeds/all.rss#x`,
      'not a url',
    ])
      expect(topicTarget(topic, base, config), topic).toMatchObject({
        ok: false,
        message: expect.stringMatching(/^hub\.topic /),
      });
  });
});
