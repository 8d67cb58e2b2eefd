import { describe, expect, it } from 'vitest';
import {
  VALIDATOR_TIMEOUT,
  atomSchemaErrors,
  feedValidityErrors,
  jsonFeedErrors,
  readWithFeedparser,
  xmlWellFormednessErrors,
} from './feed-validators.js';

const ATOM = (entry: string, feedExtra = '') => `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><id>urn:test:feed</id><title>T</title><updated>2026-11-02T09:00:00.000Z</updated>${feedExtra}${entry}</feed>`;
const ENTRY = (inner: string) =>
  `<entry><id>urn:test:1</id><title>E</title><updated>2026-11-02T09:00:00Z</updated>${inner}</entry>`;
const RSS = (item: string) => `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>T</title><link>https://example.org/</link><description>D</description>${item}</channel></rss>`;
const JSON_FEED = (item: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', title: 'T', items: [item], ...extra });

// The validators must be able to fail: each gets a document that breaks what it checks, next to one that keeps it.
describe('feed validators', { timeout: VALIDATOR_TIMEOUT }, () => {
  it('xmllint refuses a document that is not well-formed', async () => {
    expect(await xmlWellFormednessErrors('<a><b></a>')).toEqual([expect.stringContaining('mismatch')]);
    expect(await xmlWellFormednessErrors('<a x="<"/>')).not.toEqual([]);
    expect(await xmlWellFormednessErrors('<a>\u0001</a>')).not.toEqual([]);
    expect(await xmlWellFormednessErrors('<a x="&lt;">]]&gt;</a>')).toEqual([]);
  });

  it('the Atom check runs the RFC 4287 schema and its author and link rules', async () => {
    const good = ATOM(ENTRY('<author><name>A</name></author><content type="html">&lt;p&gt;x&lt;/p&gt;</content>'));
    expect(await atomSchemaErrors(good)).toEqual([]);
    expect(await atomSchemaErrors(ATOM(ENTRY('<author><name>A</name></author><content>x</content><item/>')))).toEqual([
      expect.stringContaining('item'),
    ]);
    expect(
      await atomSchemaErrors(
        ATOM(ENTRY('<author><name>A</name></author><summary type="wrong">x</summary><content>x</content>')),
      ),
    ).not.toEqual([]);
    expect(await atomSchemaErrors(ATOM(ENTRY('<content>x</content>')))).toEqual([expect.stringContaining('§4.1.1')]);
    expect(await atomSchemaErrors(ATOM(ENTRY('<content>x</content>'), '<author><name>Feed</name></author>'))).toEqual(
      [],
    );
    expect(await atomSchemaErrors(ATOM(ENTRY('<author><name>A</name></author>')))).toEqual([
      expect.stringContaining('§4.1.2'),
    ]);
    expect(
      await atomSchemaErrors(ATOM(ENTRY('<author><name>A</name></author><link href="https://x.example/"/>'))),
    ).toEqual([]);
  });

  it('feedparser reads entries and flags a broken feed as bozo', async () => {
    const read = await readWithFeedparser(
      RSS('<item><title>A &amp; B</title><guid>1</guid><category>&lt;t&gt;</category></item>'),
    );
    expect(read).toMatchObject({
      bozo: false,
      version: 'rss20',
      entries: [{ id: '1', title: 'A & B', tags: ['<t>'] }],
    });
    expect((await readWithFeedparser(RSS('<item><title>A & B</title></item>'))).bozo).toBe(true);
  });

  it('the JSON Feed 1.1 rules', () => {
    expect(
      jsonFeedErrors(
        JSON_FEED({
          id: '1',
          content_html: '<p>x</p>',
          date_published: '2026-11-02T09:00:00.000Z',
          authors: [{ name: 'A' }],
        }),
      ),
    ).toEqual([]);
    expect(jsonFeedErrors(JSON_FEED({ id: 1, content_html: '' }))).toEqual([expect.stringContaining('items.0.id')]);
    expect(jsonFeedErrors(JSON_FEED({ id: '1' }))).toEqual([expect.stringContaining('content_html or content_text')]);
    expect(
      jsonFeedErrors(JSON_FEED({ id: '1', content_text: '', date_modified: 'Mon, 02 Nov 2026 09:00:00 GMT' })),
    ).toEqual([expect.stringContaining('RFC 3339')]);
    expect(jsonFeedErrors(JSON_FEED({ id: '1', content_text: '', url: '/relative' }))).toEqual([
      expect.stringContaining('items.0.url'),
    ]);
    expect(jsonFeedErrors(JSON_FEED({ id: '1', content_text: '', author: { name: 'A' } }))).toEqual([
      expect.stringContaining('authors'),
    ]);
    expect(
      jsonFeedErrors(JSON_FEED({ id: '1', content_text: '' }, { version: 'https://jsonfeed.org/version/1' })),
    ).toEqual([expect.stringContaining('version')]);
    expect(
      jsonFeedErrors(JSON_FEED({ id: '1', content_text: '', attachments: [{ url: 'https://x.example/a.mp3' }] })),
    ).toEqual([expect.stringContaining('mime_type')]);
    expect(jsonFeedErrors('{"version": ')).toEqual([expect.stringContaining('not JSON')]);
  });

  it('feedValidityErrors names the format feedparser saw', async () => {
    expect(await feedValidityErrors('rss', RSS('<item><title>x</title></item>'))).toEqual([]);
    expect(await feedValidityErrors('atom', RSS('<item><title>x</title></item>'))).not.toEqual([]);
  });
});
