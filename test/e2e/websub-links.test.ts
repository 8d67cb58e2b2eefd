import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPass } from '../../src/worker/pass.js';
import type { AppContext } from '../../src/worker/context.js';
import { testDatabases } from '../helpers/database.js';
import { VALIDATOR_TIMEOUT, feedValidityErrors, readWithFeedparser } from '../helpers/feed-validators.js';
import { startStack, type Stack } from '../helpers/stack.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/feeds/${name}`, import.meta.url), 'utf8');

const withOutput = (ctx: AppContext, output: Partial<AppContext['config']['output']>): AppContext => ({
  ...ctx,
  config: { ...ctx.config, output: { ...ctx.config.output, ...output } },
});

describe.each(testDatabases())(
  'WebSub discovery in published feeds on $name',
  { timeout: VALIDATOR_TIMEOUT },
  (testDb) => {
    let stack: Stack;

    beforeAll(async () => {
      stack = await startStack(
        testDb,
        { '/rss2.xml': { body: fixture('rss2.xml') } },
        (url) => `
sources:
  - { id: wire, url: "${url}/rss2.xml" }
topics:
  - { id: space, include: ["orbit*"] }
`,
      );
      await runPass(stack.ctx, { force: true });
    });
    afterAll(async () => {
      await stack?.close();
    });

    it('advertises the hub and the topic URL in the body and the Link header of every format, and stays valid', async () => {
      const { base } = stack;
      const hub = `${base}/websub`;
      for (const format of ['rss', 'atom', 'json'] as const) {
        const self = `${base}/feeds/space.${format}?limit=5`;
        const response = await fetch(self);
        expect(response.status).toBe(200);
        expect(response.headers.get('link')).toBe(`<${hub}>; rel="hub", <${self}>; rel="self"`);
        const body = await response.text();
        expect(await feedValidityErrors(format, body)).toEqual([]);
        if (format === 'json') {
          const feed = JSON.parse(body) as { feed_url: string; hubs: unknown };
          expect(feed.feed_url).toBe(self);
          expect(feed.hubs).toEqual([{ type: 'WebSub', url: hub }]);
        } else {
          const links = (await readWithFeedparser(body)).feed.links;
          expect(links).toEqual(
            expect.arrayContaining([
              expect.objectContaining({ rel: 'hub', href: hub }),
              expect.objectContaining({ rel: 'self', href: self }),
            ]),
          );
        }
      }
    });

    it('advertises no hub on a page further back, which is no topic', async () => {
      const first = JSON.parse(await (await fetch(`${stack.base}/feeds/all.json?limit=1`)).text()) as {
        next_url: string;
        hubs?: unknown;
      };
      expect(first.hubs).toBeDefined();
      const next = await fetch(first.next_url);
      expect(next.headers.get('link')).toBeNull();
      expect((JSON.parse(await next.text()) as { hubs?: unknown }).hubs).toBeUndefined();
    });

    it('advertises an external hub when configured, and none when push delivery is off', async () => {
      const { base } = stack;
      const original = stack.ctx;
      try {
        stack.ctx = withOutput(original, { baseUrl: 'https://news.example', hub: 'https://hub.example/' });
        const external = await fetch(`${base}/feeds/all.atom`);
        expect(external.headers.get('link')).toBe(
          '<https://hub.example/>; rel="hub", <https://news.example/feeds/all.atom>; rel="self"',
        );
        expect(await external.text()).toContain('<link rel="hub" href="https://hub.example/"/>');
        stack.ctx = withOutput(original, { websub: { ...original.config.output.websub, enabled: false } });
        const off = await fetch(`${base}/feeds/all.rss`);
        expect(off.headers.get('link')).toBeNull();
        expect(await off.text()).not.toContain('rel="hub"');
      } finally {
        stack.ctx = original;
      }
    });
  },
);
