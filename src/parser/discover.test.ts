import { describe, expect, it } from 'vitest';
import { discoverFeedLinks } from './discover.js';

describe('discoverFeedLinks', () => {
  it('lists advertised feeds in page order, absolute and without repeats', () => {
    const html = `<html><head>
      <link rel="stylesheet" href="/style.css">
      <link rel="alternate" type="text/html" hreflang="fr" href="/fr/">
      <link rel="Alternate" type="application/atom+xml" href="/atom.xml">
      <link rel="alternate" type="application/rss+xml" href="rss.xml">
      <link rel="alternate" type="application/feed+json" href="https://cdn.example.net/feed.json">
      <link rel="alternate" type="application/rss+xml" href="/atom.xml">
      <link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
      <link rel="alternate" type="application/rss+xml" href="http://[bad">
    </head></html>`;
    expect(discoverFeedLinks(html, 'https://news.example.com/section/index.html')).toEqual([
      'https://news.example.com/atom.xml',
      'https://news.example.com/section/rss.xml',
      'https://cdn.example.net/feed.json',
    ]);
  });

  it('resolves against <base href> and finds nothing on a page without feeds', () => {
    expect(
      discoverFeedLinks(
        '<base href="https://x.example/b/"><link rel="alternate" type="application/rss+xml" href="f.xml">',
        'https://y.example/',
      ),
    ).toEqual(['https://x.example/b/f.xml']);
    expect(discoverFeedLinks('<p>no feeds</p>', 'https://y.example/')).toEqual([]);
  });
});
