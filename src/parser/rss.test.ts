import { describe, expect, it } from 'vitest';
import { normalizeFeed } from '../processor/normalize.js';
import { splitItems } from './keep-newest.js';
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

describe('parsing in parts', () => {
  const rssItems = (n: number) =>
    Array.from(
      { length: n },
      (_, i) =>
        `<item><title>Item ${i} &amp; co</title><link>https://x.example/${i}</link><guid>g${i}</guid>` +
        `<dc:creator>Desk ${i}</dc:creator><description><![CDATA[<p>Body ${i} <item>not an item</item></p>]]></description></item>\n`,
    ).join('');
  const documents = {
    rss: `<?xml version="1.0"?><!-- a feed --><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>R</title><link>https://x.example/</link>\n${rssItems(7)}<ttl>30</ttl></channel></rss>`,
    atom: `<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://a.example/"><title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">A <b>feed</b></div></title>${Array.from(
      { length: 5 },
      (_, i) =>
        `<entry xml:base="p${i}/"><id>e${i}</id><title>E${i}</title><link href="x.html"/><updated>2026-11-0${i + 1}T00:00:00Z</updated></entry>`,
    ).join(' ')}</feed>`,
    rdf: `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"><channel rdf:about="x"><title>D</title></channel>${Array.from(
      { length: 4 },
      (_, i) =>
        `<item rdf:about="https://d.example/${i}"><title>D${i}</title><link>https://d.example/${i}</link></item>`,
    ).join('')}</rdf:RDF>`,
    // Something other than whitespace between items: parsed whole.
    interleaved: `<rss version="2.0"><channel><title>I</title>${rssItems(2)}<image><url>https://x.example/i.png</url></image>${rssItems(3)}</channel></rss>`,
  };

  it('gives the items, feed fields and xml:base the whole document gives', async () => {
    for (const [name, xml] of Object.entries(documents)) {
      // Really parsed in parts (one item a part), but for the interleaved one.
      const parts = { rss: 7, atom: 5, rdf: 4, interleaved: undefined }[name];
      expect(splitItems(xml, 1)?.length, name).toBe(parts);
      const whole = await parseFeed(xml, '', { maxItems: 100, itemsPerPart: 1000 });
      expect(whole.items.length, name).toBeGreaterThan(1);
      for (const itemsPerPart of [1, 2, 3])
        expect(await parseFeed(xml, '', { maxItems: 100, itemsPerPart }), `${name} by ${itemsPerPart}`).toEqual(whole);
    }
  });

  it('refuses a document broken across two parts as it refuses it whole', async () => {
    const broken = `<rss version="2.0"><channel><title>B</title><item><title>a<b></title></item><item><title>b</b></title></item></channel></rss>`;
    const refusal = (itemsPerPart: number) =>
      parseFeed(broken, '', { maxItems: 100, itemsPerPart }).then(
        () => 'parsed',
        (err: Error) => err.name,
      );
    expect(await refusal(1000)).toBe('NotAFeedError');
    expect(await refusal(1)).toBe('NotAFeedError');
  });
});
