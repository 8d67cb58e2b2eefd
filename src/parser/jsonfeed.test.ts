import { describe, expect, it } from 'vitest';
import { parseJsonFeed } from './jsonfeed.js';
import { NotAFeedError } from './types.js';

const parse = (feed: unknown, maxItems = 100) => parseJsonFeed(JSON.stringify(feed), { maxItems });
const V11 = 'https://jsonfeed.org/version/1.1';

describe('parseJsonFeed', () => {
  it('maps a JSON Feed 1.1 item field by field', () => {
    const feed = parse({
      version: V11,
      title: 'Deep Space',
      home_page_url: 'https://deepspace.example/',
      feed_url: 'https://deepspace.example/feed.json',
      items: [
        {
          id: 42,
          url: 'https://deepspace.example/europa',
          title: 'Flyby of Europa',
          summary: 'Close pass',
          content_html: '<p>The probe <b>passed</b>.</p>',
          content_text: 'ignored when HTML is given',
          date_published: '2026-11-02T08:00:00Z',
          date_modified: '2026-11-02T09:00:00Z',
          authors: [{ name: 'Ana' }, { url: 'https://no-name.example' }, { name: 'Ben' }],
          tags: ['space', 'jupiter'],
          attachments: [{ url: 'https://cdn.example/a.mp3', mime_type: 'audio/mpeg', size_in_bytes: 1234 }],
        },
      ],
    });
    expect(feed).toEqual({
      format: 'json',
      title: 'Deep Space',
      link: 'https://deepspace.example/',
      items: [
        {
          guid: '42',
          link: 'https://deepspace.example/europa',
          title: 'Flyby of Europa',
          author: 'Ana, Ben',
          summary: 'Close pass',
          content: '<p>The probe <b>passed</b>.</p>',
          published: '2026-11-02T08:00:00Z',
          updated: '2026-11-02T09:00:00Z',
          categories: ['space', 'jupiter'],
          enclosures: [{ url: 'https://cdn.example/a.mp3', type: 'audio/mpeg', length: 1234 }],
          base: 'https://deepspace.example/',
        },
      ],
    });
  });

  it('reads 1.0 (a single author, external_url) and escapes plain text content into a paragraph', () => {
    const [item] = parse({
      version: 'https://jsonfeed.org/version/1',
      items: [
        {
          id: 'x',
          external_url: 'https://elsewhere.example/story',
          author: { name: 'Cy' },
          content_text: 'a < b & "c"',
        },
      ],
    }).items;
    expect(item).toMatchObject({
      guid: 'x',
      link: 'https://elsewhere.example/story',
      author: 'Cy',
      content: '<p>a &lt; b &amp; &quot;c&quot;</p>',
    });
    expect(item!.categories).toEqual([]);
    expect(item!.enclosures).toEqual([]);
  });

  it('drops a field of the wrong type rather than the item, and skips an item that is not an object', () => {
    const { items } = parse({
      version: V11,
      items: [
        'not an item',
        null,
        7,
        {
          id: { nested: true },
          title: 12,
          url: 'https://a.example/1',
          tags: 'space',
          attachments: [{ nourl: 1 }],
          date_published: false,
        },
      ],
    });
    expect(items).toEqual([
      {
        guid: undefined,
        link: 'https://a.example/1',
        title: undefined,
        author: undefined,
        summary: undefined,
        content: undefined,
        published: undefined,
        updated: undefined,
        categories: [],
        enclosures: [],
        base: undefined,
      },
    ]);
  });

  it('keeps the newest maxItems by date and says how many the document had', () => {
    const items = [3, 1, 4, 2].map((day) => ({ id: `d${day}`, date_published: `2026-11-0${day}T00:00:00Z` }));
    const feed = parse({ version: V11, items }, 2);
    expect(feed.items.map((i) => i.guid).sort()).toEqual(['d3', 'd4']);
    expect(feed.itemsInDocument).toBe(4);
    expect(parse({ version: V11, items }, 4).itemsInDocument).toBeUndefined();
  });

  it('refuses invalid JSON and JSON that is not a JSON Feed, with a clear error', () => {
    expect(() => parseJsonFeed('{"version": ', { maxItems: 10 })).toThrow(NotAFeedError);
    expect(() => parseJsonFeed('{"version": ', { maxItems: 10 })).toThrow(/^invalid JSON: /);
    for (const doc of [
      { items: [] },
      { version: 'https://example.com/v2', items: [] },
      { version: V11 },
      { version: V11, items: {} },
    ]) {
      expect(() => parse(doc), JSON.stringify(doc)).toThrow(
        'JSON document is not a JSON Feed (no jsonfeed.org version or items)',
      );
    }
  });
});
