import { describe, expect, it } from 'vitest';
import { expectGolden } from '../../../test/helpers/golden.js';
import { VALIDATOR_TIMEOUT, feedValidityErrors, readWithFeedparser } from '../../../test/helpers/feed-validators.js';
import { HOSTILE_TITLE, STORIES } from '../../../test/fixtures/story-views.js';
import { buildFeedDocument } from './document.js';
import { renderFeed } from './feed.js';

const text = (...args: Parameters<typeof renderFeed>) => Buffer.concat(renderFeed(...args)).toString();

// Reference output per format (test/fixtures/golden/feed.*, from the stories in test/fixtures/story-views.ts), checked
// in: UPDATE_GOLDEN=1 rewrites them after an intended change; review the diff. Each is also read by the real consumers below.
const urls = (query: string) => ({
  rss: `http://feeds.test/feeds/defense.rss${query}`,
  atom: `http://feeds.test/feeds/defense.atom${query}`,
  json: `http://feeds.test/feeds/defense.json${query}`,
});
const DOCUMENT = buildFeedDocument(
  {
    name: 'defense',
    title: 'Tributary: Defense & <NATO>',
    description: ']]> "alliance" news',
    baseUrl: 'http://feeds.test',
    self: urls('?limit=4&q=a%26b'),
    next: urls('?limit=4&q=a%26b&before=MTIzOjQ'),
  },
  STORIES,
);

describe.each(['rss', 'atom', 'json'] as const)('the %s writer', { timeout: VALIDATOR_TIMEOUT }, (format) => {
  const body = text(format, DOCUMENT);

  it('writes the reference output', () => {
    expectGolden(`feed.${format}`, body);
  });

  it('writes a feed real consumers accept', async () => {
    expect(await feedValidityErrors(format, body)).toEqual([]);
  });

  it('keeps source URLs that are not http(s) and forbidden characters out', () => {
    expect(body).not.toMatch(/javascript:|data:/);
    // eslint-disable-next-line no-control-regex -- looking for the control characters XML forbids
    if (format !== 'json') expect(body).not.toMatch(/[\u0000-\u0008\ud800]/);
  });
});

describe('the XML writers', { timeout: VALIDATOR_TIMEOUT }, () => {
  it.each(['rss', 'atom'] as const)('%s: every entry comes out once, its title as text', async (format) => {
    const feed = await readWithFeedparser(text(format, DOCUMENT));
    expect(feed.entries.map((e) => e.id)).toEqual(STORIES.map((s) => s.uid));
    expect(feed.entries[0]!.title).toBe(`${HOSTILE_TITLE} <script>alert(1)</script> bell lone`);
    expect(feed.entries[0]!.enclosures).toEqual([expect.objectContaining({ href: 'https://cdn.example/a.mp3' })]);
    expect(feed.entries[0]!.tags).toEqual(['defense', '<t>', ']]>']);
  });

  it('an empty feed is valid too', async () => {
    const empty = buildFeedDocument({ name: 'all', title: 'T', baseUrl: 'http://feeds.test', self: urls('') }, []);
    for (const format of ['rss', 'atom', 'json'] as const)
      expect(await feedValidityErrors(format, text(format, empty))).toEqual([]);
  });

  it('a feed bigger than the encoding chunks comes out whole, multi-byte characters intact', () => {
    const many = Array.from({ length: 300 }, (_, i) => ({
      ...STORIES[1]!,
      id: 100 + i,
      uid: `urn:tributary:story:${100 + i}`,
      contentHtml: `<p>${'€ ü 😀 '.repeat(100)}${i}</p>`,
    }));
    const doc = buildFeedDocument({ name: 'all', title: 'T', baseUrl: 'http://feeds.test', self: urls('') }, many);
    const json = text('json', doc);
    expect(json.length).toBeGreaterThan(300_000);
    // Written an item at a time, yet exactly what JSON.stringify would write.
    expect(json).toBe(`${JSON.stringify(JSON.parse(json), null, 2)}\n`);
    expect((JSON.parse(json) as { items: { content_html: string }[] }).items.map((i) => i.content_html)).toEqual(
      many.map((s) => s.contentHtml),
    );
    const atom = text('atom', doc);
    expect(atom.match(/<entry>/g)).toHaveLength(300);
    expect(atom).toContain(`&lt;p&gt;${'€ ü 😀 '.repeat(100)}299&lt;/p&gt;`);
  });
});
