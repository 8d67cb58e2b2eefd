import { describe, expect, it } from 'vitest';
import { LIMITS } from './limits.js';
import { normalizeFeed, normalizeItem, normalizeItemWithCuts, normalizeParsedFeed } from './normalize.js';

const context = { feedUrl: 'https://feed.example/rss.xml', now: new Date('2026-11-25T12:00:00Z') };
const base = { categories: [], enclosures: [] };

describe('normalizeItem', () => {
  it('falls back from guid to link to a content hash for the id', () => {
    expect(normalizeItem({ ...base, guid: ' g-1 ', link: '/a', title: 'T' }, {}, context).guid).toBe('g-1');
    expect(normalizeItem({ ...base, link: '/a', title: 'T' }, {}, context).guid).toBe('https://feed.example/a');
    const hashed = normalizeItem({ ...base, title: 'Only a title', content: '<p>and text</p>' }, {}, context);
    expect(hashed.guid).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(normalizeItem({ ...base, title: 'Only a title', content: '<p>and text</p>' }, {}, context).guid).toBe(
      hashed.guid,
    );
  });

  it('resolves links against the item base, then the feed link, then the feed URL', () => {
    expect(
      normalizeItem(
        { ...base, link: 'x', base: 'https://base.example/dir/' },
        { link: 'https://site.example/' },
        context,
      ).url,
    ).toBe('https://base.example/dir/x');
    expect(normalizeItem({ ...base, link: '/y' }, { link: 'https://site.example/news/' }, context).url).toBe(
      'https://site.example/y',
    );
    expect(normalizeItem({ ...base, link: 'z' }, {}, context).url).toBe('https://feed.example/z');
  });

  it('decodes entities and collapses whitespace in titles, keeps authors, categories and enclosures', () => {
    const item = normalizeItem(
      {
        ...base,
        title: '  Fish &amp; chips\n  &#8212; <b>now</b>  ',
        author: ' <i>Ann</i> ',
        categories: ['Food', ' Food ', 'UK'],
        enclosures: [{ url: '/ep.mp3', type: 'audio/mpeg', length: 1234 }],
        link: 'https://s.example/p?utm_campaign=x',
      },
      {},
      context,
    );
    expect(item.title).toBe('Fish & chips — now');
    expect(item.author).toBe('Ann');
    expect(item.categories).toEqual(['Food', 'UK']);
    expect(item.enclosures).toEqual([{ url: 'https://s.example/ep.mp3', type: 'audio/mpeg', length: 1234 }]);
    expect(item.canonicalUrl).toBe('https://s.example/p');
  });

  it('uses first-seen time for a missing date and clamps a far-future one', () => {
    expect(normalizeItem({ ...base, title: 'a' }, {}, context).publishedAt).toEqual(context.now);
    expect(
      normalizeItem({ ...base, title: 'a', published: 'Fri, 01 Jan 2100 00:00:00 GMT' }, {}, context).publishedAt,
    ).toEqual(context.now);
  });

  it('keeps the fingerprint stable for an undated item across polls, and changes it on edits', () => {
    const later = { ...context, now: new Date('2026-11-26T00:00:00Z') };
    const item = { ...base, guid: 'x', title: 'a', content: '<p>one</p>' };
    expect(normalizeItem(item, {}, context).fingerprint).toBe(normalizeItem(item, {}, later).fingerprint);
    expect(normalizeItem({ ...item, content: '<p>two</p>' }, {}, context).fingerprint).not.toBe(
      normalizeItem(item, {}, context).fingerprint,
    );
  });

  it('matches on the story text without boilerplate', () => {
    const item = normalizeItem(
      {
        ...base,
        title: 'Story',
        content:
          '<p>Real text of the report.</p><p>ADVERTISEMENT</p><p>All rights reserved. Copyright Agence France-Presse.</p>',
      },
      {},
      context,
    );
    expect(item.text).toBe('Real text of the report.');
  });
});

describe('normalizeFeed', () => {
  it('keeps the first of several items claiming one guid', () => {
    const items = normalizeFeed(
      {
        format: 'rss',
        items: [
          { ...base, guid: 'a', title: 'first' },
          { ...base, guid: 'a', title: 'second' },
        ],
      },
      context,
    );
    expect(items.map((i) => i.title)).toEqual(['first']);
  });
});

describe('text hygiene', () => {
  it('strips characters XML forbids from every field, keeping the rest', () => {
    const bad = (text: string) => `${text}\u0000\u0007\uD800\uFFFF`;
    const item = normalizeItem(
      {
        guid: bad('guid'),
        link: bad('https://s.example/a'),
        title: bad('Title'),
        author: bad('Ann'),
        summary: bad('<p>sum</p>'),
        content: bad('<p>body <a href="/x\u0000y">l</a></p>'),
        categories: [bad('Cat')],
        published: bad('2026-11-02T10:00:00Z'),
        enclosures: [{ url: bad('https://s.example/e.mp3'), type: bad('audio/mpeg') }],
      },
      {},
      context,
    );
    // eslint-disable-next-line no-control-regex
    const forbidden = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF\uD800-\uDFFF]/;
    expect(JSON.stringify(item)).not.toMatch(forbidden);
    expect(item).toMatchObject({
      guid: 'guid',
      url: 'https://s.example/a',
      title: 'Title',
      author: 'Ann',
      categories: ['Cat'],
      text: 'body l',
      enclosures: [{ url: 'https://s.example/e.mp3', type: 'audio/mpeg' }],
      publishedAt: new Date('2026-11-02T10:00:00Z'),
    });
    expect(item.contentHtml).toContain('href="https://s.example/xy"');
  });
});

describe('limits', () => {
  it('cuts long titles, authors and categories, hashes a huge guid, drops huge links, and says what it cut', () => {
    const { article, cuts } = normalizeItemWithCuts(
      {
        guid: 'g'.repeat(LIMITS.guidChars + 1),
        link: `https://s.example/${'p'.repeat(LIMITS.urlChars)}`,
        title: 'word '.repeat(2_000_000),
        author: 'a'.repeat(10_000),
        categories: Array.from({ length: 100 }, (_, i) => `category ${i} ${'x'.repeat(i === 0 ? 1000 : 0)}`),
        enclosures: Array.from({ length: 40 }, (_, i) => ({ url: `https://s.example/${i}.mp3`, type: 'audio/mpeg' })),
      },
      {},
      context,
    );
    expect(article.title.length).toBeLessThanOrEqual(LIMITS.titleChars);
    expect(article.title).toMatch(/^word word .*…$/);
    expect(article.author!.length).toBeLessThanOrEqual(LIMITS.authorChars);
    expect(article.categories).toHaveLength(LIMITS.categories);
    expect(Math.max(...article.categories.map((c) => c.length))).toBeLessThanOrEqual(LIMITS.categoryChars);
    expect(article.enclosures).toHaveLength(LIMITS.enclosures);
    expect(article.guid).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(article.url).toBeNull();
    expect(new Set(cuts)).toEqual(new Set(['title', 'author', 'categories', 'enclosures', 'guid', 'url']));
  });

  it("reports a feed's cuts, and its title as plain text and its site only when http(s)", () => {
    const feed = normalizeParsedFeed(
      {
        format: 'rss',
        title: '<script>alert(1)</script>Daily &amp; <b>Weekly</b>\u0000',
        link: 'javascript:alert(1)',
        itemsInDocument: 250_000,
        items: [
          { ...base, guid: '1', title: 'x'.repeat(600) },
          { ...base, guid: '2', content: `${'<div>'.repeat(500)}deep` },
          { ...base, guid: '3', title: 'fine' },
        ],
      },
      context,
    );
    expect(feed).toMatchObject({ title: 'Daily & Weekly', siteUrl: null, cuts: { title: 1, 'html-depth': 1 } });
    expect(feed.notice).toBe(
      'kept the newest 3 of 250,000 items; 1 item with a title cut to 512 characters; 1 item with HTML nested deeper than 128 levels kept as plain text.',
    );
    expect(normalizeParsedFeed({ format: 'rss', link: '/home', items: [] }, context)).toMatchObject({
      siteUrl: 'https://feed.example/home',
      notice: null,
    });
  });
});
