import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { StoryView } from '../../storage/stories.js';
import { feedValidityErrors, readWithFeedparser } from '../../../test/helpers/feed-validators.js';
import { buildFeedDocument, type FeedFormat } from './document.js';
import { renderFeed } from './feed.js';

// Reference output per format, checked in: run with UPDATE_GOLDEN=1 to rewrite them after an intended change, and
// review the diff. Each is also read by the real consumers below.
const golden = (format: FeedFormat) => new URL(`../../../test/fixtures/golden/feed.${format}`, import.meta.url);

const HOSTILE_TITLE = 'Two ]]> breakouts ]]></title></item><item><title>FORGED</title><guid>f</guid></item><item><title><![CDATA[x';

const story = (fields: Partial<StoryView> & Pick<StoryView, 'id'>): StoryView => ({
  uid: `urn:tributary:story:${fields.id}`,
  title: `Story ${fields.id}`,
  link: `https://news.example/${fields.id}`,
  publishedAt: new Date(Date.UTC(2026, 10, 2, 9 - fields.id)),
  updatedAt: new Date(Date.UTC(2026, 10, 2, 10 - fields.id)),
  author: null,
  summaryHtml: null,
  contentHtml: `<p>Body ${fields.id}</p>`,
  text: `Body ${fields.id}`,
  categories: [],
  enclosures: [],
  outlets: [{ sourceId: 'wire', name: 'Orbital Wire', url: `https://news.example/${fields.id}`, feedUrl: 'https://news.example/feed.xml', siteUrl: 'https://news.example/' }],
  topics: [],
  ...fields,
});

export const STORIES: StoryView[] = [
  story({
    id: 1,
    title: `${HOSTILE_TITLE} <script>alert(1)</script> \u0007bell \ud800lone`,
    link: 'javascript:alert(1)',
    author: '<script>alert("a")</script> & Co',
    contentHtml: '<p>Text about &lt;img src=x onerror=alert(1)&gt; and ]]&gt; in HTML.</p>',
    text: 'Text about <img src=x onerror=alert(1)> and ]]> in HTML.',
    categories: ['<t>', ']]>', 'defense', ' '],
    topics: ['defense'],
    enclosures: [{ url: 'data:audio/mpeg;base64,AAAA', type: 'audio/mpeg' }, { url: 'https://cdn.example/a.mp3', type: 'audio/mpeg<&x', length: 12 }],
    outlets: [
      { sourceId: 'hostile', name: '<b>Hostile</b> "Wire" & Co', url: null, feedUrl: 'https://hostile.example/feed?a=1&b=2', siteUrl: 'javascript:alert(document.domain)' },
      { sourceId: 'copy', name: 'Copy & Paste', url: 'data:text/html,<script>alert(2)</script>', feedUrl: 'https://copy.example/rss', siteUrl: null },
      { sourceId: 'mirror', name: 'Mirror <News>', url: 'https://mirror.example/a?x=1&y=2', feedUrl: 'https://mirror.example/rss', siteUrl: 'https://mirror.example/' },
    ],
  }),
  story({
    id: 2,
    author: 'desk@news.example (News Desk)',
    text: 'x'.repeat(296) + '\ud83d\ude00 and more text beyond the summary length',
    enclosures: [{ url: 'https://cdn.example/b.mp4', type: 'video/mp4; codecs="avc1.42E01E"', length: 99 }],
    link: 'https://news.example/2?utm_source=x&id=2',
  }),
  story({ id: 3, text: '', contentHtml: null, outlets: [{ sourceId: 'wire', name: 'Orbital Wire', url: null, feedUrl: 'https://news.example/feed.xml', siteUrl: null }] }),
  story({ id: 4, publishedAt: new Date(Date.UTC(12000, 0, 1)), updatedAt: new Date(Number.NaN), author: 'Jane Doe' }),
];

const urls = (query: string) => ({
  rss: `http://feeds.test/feeds/defense.rss${query}`, atom: `http://feeds.test/feeds/defense.atom${query}`, json: `http://feeds.test/feeds/defense.json${query}`,
});
const DOCUMENT = buildFeedDocument({
  name: 'defense', title: 'Tributary: Defense & <NATO>', description: ']]> "alliance" news', baseUrl: 'http://feeds.test',
  self: urls('?limit=4&q=a%26b'), next: urls('?limit=4&q=a%26b&before=MTIzOjQ'),
}, STORIES);

describe.each(['rss', 'atom', 'json'] as const)('the %s writer', (format) => {
  const body = renderFeed(format, DOCUMENT);

  it('writes the reference output', () => {
    if (process.env.UPDATE_GOLDEN || !existsSync(golden(format))) writeFileSync(golden(format), body);
    expect(body).toBe(readFileSync(golden(format), 'utf8'));
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

describe('the XML writers', () => {
  it.each(['rss', 'atom'] as const)('%s: every entry comes out once, its title as text', async (format) => {
    const feed = await readWithFeedparser(renderFeed(format, DOCUMENT));
    expect(feed.entries.map((e) => e.id)).toEqual(STORIES.map((s) => s.uid));
    expect(feed.entries[0]!.title).toBe(`${HOSTILE_TITLE} <script>alert(1)</script> bell lone`);
    expect(feed.entries[0]!.enclosures).toEqual([expect.objectContaining({ href: 'https://cdn.example/a.mp3' })]);
    expect(feed.entries[0]!.tags).toEqual(['defense', '<t>', ']]>']);
  });

  it('an empty feed is valid too', async () => {
    const empty = buildFeedDocument({ name: 'all', title: 'T', baseUrl: 'http://feeds.test', self: urls('') }, []);
    for (const format of ['rss', 'atom', 'json'] as const) expect(await feedValidityErrors(format, renderFeed(format, empty))).toEqual([]);
  });
});
