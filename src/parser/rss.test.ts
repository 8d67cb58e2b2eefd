import { describe, expect, it } from 'vitest';
import { normalizeFeed } from '../processor/normalize.js';
import { parseFeed } from './parse.js';

describe('xml:base', () => {
  it('resolves relative links against the feed and entry xml:base', async () => {
    const feed =
      await parseFeed(`<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://base.example/blog/">
<title>x</title><link href="/"/>
<entry xml:base="posts/"><title>a</title><link href="one.html"/><id>1</id><content type="html">&lt;a href="rel.html"&gt;x&lt;/a&gt;</content></entry>
<entry><title>b</title><link href="two.html"/><id>2</id></entry></feed>`);
    const items = normalizeFeed(feed, { feedUrl: 'https://feeds.example/atom.xml', now: new Date() });
    expect(items.map((i) => i.url)).toEqual([
      'https://base.example/blog/posts/one.html',
      'https://base.example/blog/two.html',
    ]);
    expect(items[0]!.contentHtml).toContain('href="https://base.example/blog/posts/rel.html"');
  });

  it('falls back to the feed link, then the feed URL', async () => {
    const feed = await parseFeed(
      '<rss version="2.0"><channel><title>x</title><item><title>a</title><link>/a</link></item></channel></rss>',
    );
    expect(normalizeFeed(feed, { feedUrl: 'https://feeds.example/rss.xml', now: new Date() })[0]!.url).toBe(
      'https://feeds.example/a',
    );
  });
});
