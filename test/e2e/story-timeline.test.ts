import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runPass } from '../../src/worker/pass.js';
import { original, trimmedCopy } from '../fixtures/dedup/pairs.js';
import { GROUPS } from '../fixtures/dedup/stories.js';
import { outletRss } from '../fixtures/outlet-feeds.js';
import { testDatabases } from '../helpers/database.js';
import { VALIDATOR_TIMEOUT, feedValidityErrors, readWithFeedparser } from '../helpers/feed-validators.js';
import { startStack, type Stack } from '../helpers/stack.js';

const NATO = GROUPS.flat().find((r) => r.id === 'nato-air-defence')!;
const REVISED = `${NATO.title}, ministers confirm`;
// The clock (Date only) is set and moved a minute between steps, so each step's time is distinct and known.
const START = Date.parse('2026-11-20T12:00:00Z');
const PUBLISHED = new Date(START - 3_600_000);

const agencyFeed = (title: string) =>
  outletRss('Agency Wire', [
    { copy: { ...original(NATO), title }, guid: 'ag-1', link: 'https://agency.example/nato', published: PUBLISHED },
  ]);
const bulletinFeed = () =>
  outletRss('Bulletin', [
    {
      copy: trimmedCopy(NATO),
      guid: 'bu-9',
      link: 'https://bulletin.example/nato',
      published: new Date(START - 1_800_000),
    },
  ]);

/** What each format says of the one entry: id, published, updated (as Dates), and the text of its timeline. */
interface Seen {
  id: string;
  published: number;
  updated: number;
  content: string;
}

describe.each(testDatabases())('story timeline end to end on $name', { timeout: VALIDATOR_TIMEOUT }, (testDb) => {
  let stack: Stack;
  const advance = () => vi.setSystemTime(Date.now() + 60_000);

  /** The entry in all three formats, each checked by the validators. */
  async function entry(): Promise<Record<'rss' | 'atom' | 'json', Seen>> {
    const seen = {} as Record<'rss' | 'atom' | 'json', Seen>;
    for (const format of ['rss', 'atom', 'json'] as const) {
      const body = await (await fetch(`${stack.base}/feeds/all.${format}`)).text();
      expect(await feedValidityErrors(format, body), format).toEqual([]);
      if (format === 'json') {
        const [item, ...rest] = (
          JSON.parse(body) as {
            items: { id: string; date_published: string; date_modified: string; content_html: string }[];
          }
        ).items;
        expect(rest).toEqual([]);
        seen.json = {
          id: item!.id,
          published: Date.parse(item!.date_published),
          updated: Date.parse(item!.date_modified),
          content: item!.content_html,
        };
      } else {
        const read = await readWithFeedparser(body);
        expect(read.entries).toHaveLength(1);
        const e = read.entries[0]!;
        seen[format] = {
          id: e.id!,
          published: Date.parse(e.published!),
          updated: Date.parse(e.updated!),
          content: e.content[0]!.value,
        };
      }
    }
    return seen;
  }

  beforeAll(async () => {
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
    vi.setSystemTime(START);
    stack = await startStack(
      testDb,
      { '/agency.xml': { body: agencyFeed(NATO.title) }, '/bulletin.xml': { body: bulletinFeed() } },
      (url) => `
sources:
  - { id: agency, name: Agency Wire, url: "${url}/agency.xml" }
  - { id: bulletin, name: Bulletin, url: "${url}/bulletin.xml" }
output: { baseUrl: "http://feeds.test" }
`,
    );
  });

  afterAll(async () => {
    await stack?.close();
    vi.useRealTimers();
  });

  it('shows when each outlet reported the story and its new headline, newest first, as an update of the same entry', async () => {
    await runPass(stack.ctx, { ids: ['agency'] });
    const first = await entry();
    for (const format of ['rss', 'atom', 'json'] as const) {
      expect(first[format].published, format).toBe(PUBLISHED.getTime());
      expect(first[format].content, format).not.toContain('Timeline');
    }

    advance();
    const joinedAt = Date.now();
    await runPass(stack.ctx, { ids: ['bulletin'] });
    const joined = await entry();

    advance();
    stack.feeds.routes.set('/agency.xml', { body: agencyFeed(REVISED) });
    const revisedAt = Date.now();
    await runPass(stack.ctx, { ids: ['agency'] });
    const revised = await entry();

    const minute = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 16);
    for (const format of ['rss', 'atom', 'json'] as const) {
      // The same item all along: same id, same published time; updated moves at each step.
      expect([joined[format].id, revised[format].id], format).toEqual([first[format].id, first[format].id]);
      expect([joined[format].published, revised[format].published], format).toEqual([
        PUBLISHED.getTime(),
        PUBLISHED.getTime(),
      ]);
      expect(joined[format].updated, format).toBeGreaterThanOrEqual(joinedAt);
      expect(revised[format].updated, format).toBeGreaterThanOrEqual(revisedAt);
      expect(revised[format].updated, format).toBeGreaterThan(joined[format].updated);
      expect(joined[format].content, format).toContain(
        `Timeline (newest first):</p><ul><li><time datetime="${new Date(joinedAt).toISOString().slice(0, 16)}`,
      );
      // Newest first: the headline change, the second outlet, the first report.
      const lines = [
        ...revised[format].content.matchAll(/<li><time datetime="[^"]+">([^<]+)<\/time> ([^<]*)<\/li>/g),
      ].map((m) => [m[1], m[2]]);
      expect(lines, format).toEqual([
        [`${minute(revisedAt)} UTC`, `Headline changed by Agency Wire: “${NATO.title}” → “${REVISED}”`],
        [`${minute(joinedAt)} UTC`, 'Also reported by Bulletin'],
        [`${minute(PUBLISHED.getTime())} UTC`, 'First reported by Agency Wire'],
      ]);
    }
  });
});
