import Parser from 'rss-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPass } from '../../src/worker/pass.js';
import type { AppContext } from '../../src/worker/context.js';
import { editedCopy, original, trimmedCopy, wireCopy, type Copy } from '../fixtures/dedup/pairs.js';
import { GROUPS } from '../fixtures/dedup/stories.js';
import { testDatabases } from '../helpers/database.js';
import type { FixtureServer } from '../helpers/fixture-server.js';
import { startStack, type Stack } from '../helpers/stack.js';

const [airDefence, membership] = GROUPS[0]!;
const cdata = (html: string) => `<![CDATA[${html}]]>`;
const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');

function rss(title: string, items: { copy: Copy; link: string; guid: string; date: string }[]) {
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>${title}</title><link>https://${title.toLowerCase().replace(/\W/g, '')}.example/</link>
${items.map((i) => `<item><title>${escape(i.copy.title)}</title><link>${escape(i.link)}</link><guid>${i.guid}</guid><pubDate>${i.date}</pubDate><description>${cdata(i.copy.html)}</description></item>`).join('\n')}
</channel></rss>`;
}

describe.each(testDatabases())('one entry per story on $name', (testDb) => {
  let stack: Stack;
  let feeds: FixtureServer;
  let ctx: AppContext;
  let base: string;

  beforeAll(async () => {
    const wire = wireCopy(airDefence);
    stack = await startStack(
      testDb,
      {
        '/agency.xml': {
          body: rss('Agency Wire', [
            {
              copy: original(airDefence),
              link: 'https://agency.example/news/nato-air-defence?utm_source=rss&utm_medium=feed',
              guid: 'ag-1',
              date: 'Thu, 05 Nov 2026 09:00:00 GMT',
            },
            {
              copy: original(membership),
              link: 'https://agency.example/news/nato-membership',
              guid: 'ag-2',
              date: 'Thu, 12 Nov 2026 09:00:00 GMT',
            },
          ]),
        },
        '/spacewar.xml': {
          body: rss('SpaceWar', [
            {
              copy: trimmedCopy(airDefence),
              link: 'https://www.spacewar.com/reports/NATO_allies_pledge_air_defence_999.html',
              guid: 'sw-77',
              date: 'Thu, 05 Nov 2026 10:30:00 GMT',
            },
          ]),
        },
        '/atom.xml': {
          body: `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Defense Daily</title><id>urn:dd</id><updated>2026-11-05T12:00:00Z</updated>
<entry><title>${escape(wire.title)}</title><id>urn:dd:1</id><link href="https://defensedaily.example/2026/11/05/allies-air-defence/#comments"/><updated>2026-11-05T11:00:00Z</updated><content type="html">${escape(wire.html)}</content></entry>
<entry><title>${escape(wireCopy(membership).title)}</title><id>urn:dd:2</id><link href="https://defensedaily.example/2026/11/12/membership"/><updated>2026-11-12T11:00:00Z</updated><content type="html">${escape(wireCopy(membership).html)}</content></entry>
</feed>`,
        },
        '/feed.json': {
          body: JSON.stringify({
            version: 'https://jsonfeed.org/version/1.1',
            title: 'Europe Security Monitor',
            items: [
              {
                id: 'esm-5',
                url: 'https://esm.example/a/5?fbclid=XYZ',
                title: editedCopy(airDefence).title,
                content_html: editedCopy(airDefence).html,
                date_published: '2026-11-05T12:15:00Z',
              },
            ],
          }),
        },
      },
      (url) => `
sources:
  - { id: agency, name: Agency Wire, url: "${url}/agency.xml" }
  - { id: spacewar, name: SpaceWar.com, url: "${url}/spacewar.xml" }
  - { id: defense-daily, name: Defense Daily, url: "${url}/atom.xml" }
  - { id: esm, name: Europe Security Monitor, url: "${url}/feed.json" }
output: { baseUrl: "http://feeds.test" }
`,
    );
    ({ feeds, ctx, base } = stack);
    // All four at once: their transactions run concurrently on the server, and must still make one story.
    await runPass(ctx, { force: true });
  });

  afterAll(async () => {
    await stack?.close();
  });

  it("folds the four outlets' copies into one entry naming all of them, and keeps the other report apart", async () => {
    const json = (await (await fetch(`${base}/feeds/all.json`)).json()) as {
      items: {
        id: string;
        title: string;
        url: string;
        content_html: string;
        _tributary: { outlets: { id: string }[] };
      }[];
    };
    expect(json.items).toHaveLength(2);
    const [later, first] = json.items;
    expect(first!.title).toBe(airDefence.title);
    expect(first!.url).toBe('https://agency.example/news/nato-air-defence?utm_source=rss&utm_medium=feed');
    expect(first!._tributary.outlets.map((o) => o.id)).toEqual(['agency', 'spacewar', 'defense-daily', 'esm']);
    expect(first!.content_html).toMatch(
      /Also reported by <a href="https:\/\/www\.spacewar\.com\/[^"]+"[^>]*>SpaceWar\.com<\/a>, <a[^>]+>Defense Daily<\/a>, <a[^>]+>Europe Security Monitor<\/a>/,
    );
    expect(later!.title).toBe(membership.title);
    expect(later!._tributary.outlets.map((o) => o.id)).toEqual(['agency', 'defense-daily']);

    const parser = new Parser();
    for (const format of ['rss', 'atom']) {
      const feed = await parser.parseString(await (await fetch(`${base}/feeds/all.${format}`)).text());
      expect(feed.items.map((i) => i.title)).toEqual([membership.title, airDefence.title]);
    }
  });

  it('keeps the story id when an outlet edits its copy, and moves its updated time', async () => {
    const before = (await (await fetch(`${base}/feeds/all.json`)).json()) as {
      items: { id: string; date_modified: string }[];
    };
    const edited = trimmedCopy(airDefence);
    feeds.routes.set('/spacewar.xml', {
      body: rss('SpaceWar', [
        {
          copy: { ...edited, html: edited.html.replace('before winter', 'before the winter heating season') },
          link: 'https://www.spacewar.com/reports/NATO_allies_pledge_air_defence_999.html',
          guid: 'sw-77',
          date: 'Thu, 05 Nov 2026 10:30:00 GMT',
        },
      ]),
    });
    const [result] = await runPass(ctx, { ids: ['spacewar'] });
    expect(result!.outcome).toMatchObject({ ok: true, stored: { added: 0, updated: 1 } });
    const after = (await (await fetch(`${base}/feeds/all.json`)).json()) as {
      items: { id: string; date_modified: string }[];
    };
    expect(after.items.map((i) => i.id)).toEqual(before.items.map((i) => i.id));
    expect(Date.parse(after.items[1]!.date_modified)).toBeGreaterThan(Date.parse(before.items[1]!.date_modified));
  });
});
