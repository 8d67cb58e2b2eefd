import { describe, expect, it } from 'vitest';
import { normalizeFeed, normalizeItem } from './normalize.js';

const context = { feedUrl: 'https://feed.example/rss.xml', now: new Date('2026-11-25T12:00:00Z') };
const base = { categories: [], enclosures: [] };

describe('normalizeItem', () => {
  it('falls back from guid to link to a content hash for the id', () => {
    expect(normalizeItem({ ...base, guid: ' g-1 ', link: '/a', title: 'T' }, {}, context).guid).toBe('g-1');
    expect(normalizeItem({ ...base, link: '/a', title: 'T' }, {}, context).guid).toBe('https://feed.example/a');
    const hashed = normalizeItem({ ...base, title: 'Only a title', content: '<p>and text</p>' }, {}, context);
    expect(hashed.guid).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(normalizeItem({ ...base, title: 'Only a title', content: '<p>and text</p>' }, {}, context).guid).toBe(hashed.guid);
  });

  it('resolves links against the item base, then the feed link, then the feed URL', () => {
    expect(normalizeItem({ ...base, link: 'x', base: 'https://base.example/dir/' }, { link: 'https://site.example/' }, context).url)
      .toBe('https://base.example/dir/x');
    expect(normalizeItem({ ...base, link: '/y' }, { link: 'https://site.example/news/' }, context).url).toBe('https://site.example/y');
    expect(normalizeItem({ ...base, link: 'z' }, {}, context).url).toBe('https://feed.example/z');
  });

  it('decodes entities and collapses whitespace in titles, keeps authors, categories and enclosures', () => {
    const item = normalizeItem({
      ...base, title: '  Fish &amp; chips\n  &#8212; <b>now</b>  ', author: ' <i>Ann</i> ', categories: ['Food', ' Food ', 'UK'],
      enclosures: [{ url: '/ep.mp3', type: 'audio/mpeg', length: 1234 }], link: 'https://s.example/p?utm_campaign=x',
    }, {}, context);
    expect(item.title).toBe('Fish & chips — now');
    expect(item.author).toBe('Ann');
    expect(item.categories).toEqual(['Food', 'UK']);
    expect(item.enclosures).toEqual([{ url: 'https://s.example/ep.mp3', type: 'audio/mpeg', length: 1234 }]);
    expect(item.canonicalUrl).toBe('https://s.example/p');
  });

  it('uses first-seen time for a missing date and clamps a far-future one', () => {
    expect(normalizeItem({ ...base, title: 'a' }, {}, context).publishedAt).toEqual(context.now);
    expect(normalizeItem({ ...base, title: 'a', published: 'Fri, 01 Jan 2100 00:00:00 GMT' }, {}, context).publishedAt).toEqual(context.now);
  });

  it('keeps the fingerprint stable for an undated item across polls, and changes it on edits', () => {
    const later = { ...context, now: new Date('2026-11-26T00:00:00Z') };
    const item = { ...base, guid: 'x', title: 'a', content: '<p>one</p>' };
    expect(normalizeItem(item, {}, context).fingerprint).toBe(normalizeItem(item, {}, later).fingerprint);
    expect(normalizeItem({ ...item, content: '<p>two</p>' }, {}, context).fingerprint).not.toBe(normalizeItem(item, {}, context).fingerprint);
  });

  it('matches on the story text without boilerplate', () => {
    const item = normalizeItem({ ...base, title: 'Story', content: '<p>Real text of the report.</p><p>ADVERTISEMENT</p><p>All rights reserved. Copyright Agence France-Presse.</p>' }, {}, context);
    expect(item.text).toBe('Real text of the report.');
  });
});

describe('normalizeFeed', () => {
  it('keeps the first of several items claiming one guid', () => {
    const items = normalizeFeed({ format: 'rss', items: [{ ...base, guid: 'a', title: 'first' }, { ...base, guid: 'a', title: 'second' }] }, context);
    expect(items.map((i) => i.title)).toEqual(['first']);
  });
});
