import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bumpDataVersion } from '../../src/storage/data-version.js';
import { runPass } from '../../src/worker/pass.js';
import { editedCopy, original, trimmedCopy, wireCopy, type Copy } from '../fixtures/dedup/pairs.js';
import { GROUPS } from '../fixtures/dedup/stories.js';
import { outletRss, type OutletItem } from '../fixtures/outlet-feeds.js';
import { testDatabases } from '../helpers/database.js';
import { VALIDATOR_TIMEOUT, feedValidityErrors, readWithFeedparser } from '../helpers/feed-validators.js';
import { startStack, type Stack } from '../helpers/stack.js';

const report = (id: string) => GROUPS.flat().find((r) => r.id === id)!;
const NATO = report('nato-air-defence');
const STARSHIP = report('starship-explodes');
const REACTOR = report('edf-reactor-restart');
const OPEC = report('opec-cuts');
const F35 = report('germany-f35-order');

const HOUR = 3_600_000;
// The clock (Date only, timers stay real) is set, so that windows and the once-a-minute recount are under the test's
// control; it runs on from there.
const START = Date.parse('2026-11-20T12:00:30Z');
const ago = (hours: number) => new Date(START - hours * HOUR);
const advance = (ms: number) => vi.setSystemTime(Date.now() + ms);

/**
 * The world, by outlet: which report each carries, as which copy, how many hours ago. Within 24 h: NATO by 4 outlets,
 * STARSHIP by 3, REACTOR by 2, OPEC by 1; F35 by 3 outlets but 28–30 h ago (only a 2-day window sees it).
 */
const CARRIED: Record<string, [typeof NATO, (r: typeof NATO) => Copy, number][]> = {
  agency: [
    [NATO, original, 3],
    [STARSHIP, original, 5],
    [REACTOR, original, 10],
    [OPEC, original, 2],
    [F35, original, 30],
  ],
  bulletin: [
    [NATO, wireCopy, 2],
    [STARSHIP, wireCopy, 4],
    [F35, wireCopy, 29],
  ],
  courier: [
    [NATO, trimmedCopy, 1],
    [STARSHIP, trimmedCopy, 4.5],
    [F35, editedCopy, 28],
  ],
  dispatch: [
    [NATO, editedCopy, 1.5],
    [REACTOR, editedCopy, 9],
  ],
};
const NAMES: Record<string, string> = {
  agency: 'Agency Wire',
  bulletin: 'Bulletin',
  courier: 'Courier & Co',
  dispatch: 'Dispatch <Daily>',
};

const feedOf = (outlet: string) =>
  outletRss(
    NAMES[outlet]!,
    CARRIED[outlet]!.map(([r, copy, hours]): OutletItem => ({
      copy: copy(r),
      guid: `${outlet}-${r.id}`,
      link: `https://${outlet}.example/${r.id}`,
      published: ago(hours),
    })),
  );

interface JsonItem {
  id: string;
  title: string;
  summary: string;
  content_html: string;
  date_published: string;
  _tributary: { coverage?: { count: number; outlets: { id: string; name: string }[] } };
}
interface JsonTop {
  title: string;
  feed_url: string;
  items: JsonItem[];
}

describe.each(testDatabases())('top stories by coverage on $name', { timeout: VALIDATOR_TIMEOUT }, (testDb) => {
  let stack: Stack;
  let base: string;
  const json = async (path: string) => {
    const response = await fetch(`${base}${path}`);
    expect(response.status, path).toBe(200);
    return (await response.json()) as JsonTop;
  };
  const ranking = async (path: string) => (await json(path)).items.map((i) => [i.title, i._tributary.coverage?.count]);

  beforeAll(async () => {
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
    vi.setSystemTime(START);
    stack = await startStack(
      testDb,
      Object.fromEntries(Object.keys(CARRIED).map((outlet) => [`/${outlet}.xml`, { body: feedOf(outlet) }])),
      (url) => `
sources:
${Object.keys(CARRIED)
  .map((outlet) => `  - { id: ${outlet}, name: "${NAMES[outlet]}", url: "${url}/${outlet}.xml" }`)
  .join('\n')}
topics:
  - { id: space, title: Space, include: [Starship] }
output: { baseUrl: "http://feeds.test", top: { limit: 10 } }
`,
    );
    base = stack.base;
    await runPass(stack.ctx, { force: true });
  });

  afterAll(async () => {
    await stack?.close();
    vi.useRealTimers();
  });

  it('ranks stories by the outlets that carried them in the last 24 h, ties by recency, at least 2 outlets', async () => {
    expect(await ranking('/feeds/top.json')).toEqual([
      [NATO.title, 4],
      [STARSHIP.title, 3],
      [REACTOR.title, 2],
    ]);
    expect(await ranking('/feeds/top.json?window=2d')).toEqual([
      [NATO.title, 4],
      [STARSHIP.title, 3],
      [F35.title, 3],
      [REACTOR.title, 2],
    ]);
    expect(await ranking('/feeds/top.json?window=6h')).toEqual([
      [NATO.title, 4],
      [STARSHIP.title, 3],
    ]);
    expect(await ranking('/feeds/top.json?min_outlets=1')).toEqual([
      [NATO.title, 4],
      [STARSHIP.title, 3],
      [REACTOR.title, 2],
      [OPEC.title, 1],
    ]);
    expect(await ranking('/feeds/top.json?min_outlets=3&limit=1')).toEqual([[NATO.title, 4]]);
    expect(await ranking('/feeds/space/top.json')).toEqual([[STARSHIP.title, 3]]);
  });

  it('names the outlets and their count in every format, escaped, and writes valid feeds', async () => {
    const top = await json('/feeds/top.json');
    const nato = top.items[0]!;
    expect(top.feed_url).toBe('http://feeds.test/feeds/top.json');
    // In the order they reported it (the lead first).
    const line = 'Reported by 4 outlets: Agency Wire, Bulletin, Dispatch <Daily>, Courier & Co.';
    expect(nato.summary.slice(0, line.length)).toBe(line);
    expect(nato.content_html).toMatch(
      /^<p>Reported by 4 outlets: <a href="https:\/\/agency\.example\/nato-air-defence">Agency Wire<\/a>, .*Dispatch &lt;Daily&gt;<\/a>, .*Courier &amp; Co<\/a>\.<\/p>/,
    );
    expect(nato._tributary.coverage!.outlets.map((o) => o.id)).toEqual(['agency', 'bulletin', 'dispatch', 'courier']);
    // The same story keeps its id in the top feed and the merged one.
    const all = await json('/feeds/all.json');
    expect(all.items.map((i) => i.id)).toContain(nato.id);
    for (const format of ['rss', 'atom'] as const) {
      for (const path of [`/feeds/top.${format}`, `/feeds/space/top.${format}?window=7d`]) {
        const body = await (await fetch(`${base}${path}`)).text();
        expect(await feedValidityErrors(format, body), path).toEqual([]);
      }
      const read = await readWithFeedparser(await (await fetch(`${base}/feeds/top.${format}`)).text());
      expect(read.entries.map((e) => e.id)).toEqual(top.items.map((i) => i.id));
      // RSS descriptions are HTML: the plain-text line arrives escaped, and reads as the same text.
      const summary = format === 'rss' ? line.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;') : line;
      expect(read.entries[0]!.summary_detail!.value.slice(0, summary.length)).toBe(summary);
      expect(read.entries[0]!.content[0]!.value).toContain('Reported by 4 outlets: ');
    }
    expect(await feedValidityErrors('json', await (await fetch(`${base}/feeds/space/top.json`)).text())).toEqual([]);
  });

  it('refuses bad parameters with a 400 naming them, and answers 404 for a top feed of no topic', async () => {
    for (const [query, name] of [
      ['window=1h', 'window'],
      ['window=8d', 'window'],
      ['window=abc', 'window'],
      ['min_outlets=0', 'min_outlets'],
      ['limit=500', 'limit'],
      ['window=6h&window=7d', 'window'],
    ] as const) {
      const response = await fetch(`${base}/feeds/top.rss?${query}`);
      expect(response.status, query).toBe(400);
      expect(await response.text(), query).toMatch(new RegExp(`^query parameter "${name}"`));
    }
    expect((await fetch(`${base}/feeds/nope/top.rss`)).status).toBe(404);
    expect((await fetch(`${base}/feeds/space/all.rss`)).status).toBe(404);
    expect((await fetch(`${base}/feeds/space/top.xml`)).status).toBe(404);
  });

  it('serves equal requests from one cached render, and recounts when the data or the minute changes', async () => {
    const first = await fetch(`${base}/feeds/top.json`);
    const etag = first.headers.get('etag')!;
    // Changed under the cache without a new data version: spellings of the same query still get the cached render.
    await stack.database.db.execute(
      sql`update stories set title = 'Renamed behind the cache' where title = ${NATO.title}`,
    );
    for (const query of ['window=24h', 'window=1d&min_outlets=2', 'limit=10&utm_source=x']) {
      const response = await fetch(`${base}/feeds/top.json?${query}`);
      expect(response.headers.get('etag'), query).toBe(etag);
    }
    expect((await fetch(`${base}/feeds/top.json`, { headers: { 'if-none-match': etag } })).status).toBe(304);
    // A minute later the window has moved: recounted, without any new data.
    advance(60_000);
    expect((await json('/feeds/top.json')).items[0]!.title).toBe('Renamed behind the cache');
    await stack.database.db.execute(
      sql`update stories set title = ${NATO.title} where title = 'Renamed behind the cache'`,
    );
    await bumpDataVersion(stack.database.db);
    expect((await json('/feeds/top.json')).items[0]!.title).toBe(NATO.title);
  });

  it('lets the window slide: a day later the stories have left it', async () => {
    advance(24 * HOUR);
    expect(await ranking('/feeds/top.json')).toEqual([]);
    expect(await ranking('/feeds/top.json?window=7d')).toEqual([
      [NATO.title, 4],
      [STARSHIP.title, 3],
      [F35.title, 3],
      [REACTOR.title, 2],
    ]);
  });
});
