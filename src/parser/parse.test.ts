import { describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import { decodeBody } from './decode.js';
import { parseFeed, parseFeedBody } from './parse.js';
import { asParseError } from './rss.js';
import { NotAFeedError } from './types.js';

const GOOD = '<rss version="2.0"><channel><title>Good</title><item><title>a</title></item></channel></rss>';

describe('independent parses', () => {
  it('settles on a comment-only document, also right after a successful parse', async () => {
    expect((await parseFeed(GOOD)).items).toHaveLength(1);
    // A shared xml2js parser kept the previous document's "ended" flag: this never settled.
    await expect(parseFeed('<!-- nothing but a comment -->')).rejects.toBeInstanceOf(NotAFeedError);
    await expect(parseFeed('<?xml version="1.0"?>\n<!-- a --><!-- b -->')).rejects.toBeInstanceOf(NotAFeedError);
    expect((await parseFeed(GOOD)).title).toBe('Good');
    await expect(parseFeed('<!-- c -->')).rejects.toThrow('not a well-formed feed: no root element');
  });

  it('gives the same result whatever was parsed before, broken documents included', async () => {
    const docs = [
      GOOD,
      '<rss version="2.0"><channel><item><title>x',
      '<!-- c -->',
      '<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>e</title></entry></feed>',
    ];
    const run = async (order: string[]) =>
      Object.fromEntries(
        await Promise.all(
          order.map(async (doc) => [
            doc,
            await parseFeed(doc).then(
              (f) => JSON.stringify(f),
              (e: Error) => `${e.name}: ${e.message}`,
            ),
          ]),
        ),
      );
    expect(await run([...docs].reverse())).toEqual(await run(docs));
  });

  it('keeps errors that are not about the document as they are', () => {
    const bug = new TypeError("Cannot read properties of undefined (reading '0')");
    expect(asParseError(bug)).toBe(bug);
    expect(asParseError(new Error('Unexpected close tag\nLine: 3'))).toEqual(
      new NotAFeedError('not a well-formed feed: Unexpected close tag'),
    );
  });
});

describe('input rss-parser refuses on its own', () => {
  it('reads <rss> with items but no <channel>, and without a version', async () => {
    const feed = await parseFeed(
      '<rss><title>Bare</title><link>https://bare.example/</link><item><title>one</title><link>https://bare.example/1</link></item><item><title>two</title></item></rss>',
    );
    expect(feed).toMatchObject({ format: 'rss', title: 'Bare', link: 'https://bare.example/' });
    expect(feed.items.map((i) => i.title)).toEqual(['one', 'two']);
  });

  it('reads RSS 1.0 and Atom whose own elements carry a namespace prefix', async () => {
    const rdf =
      await parseFeed(`<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:rss="http://purl.org/rss/1.0/">
      <rss:channel rdf:about="https://p.example/"><rss:title>Prefixed</rss:title><rss:link>https://p.example/</rss:link></rss:channel>
      <rss:item rdf:about="https://p.example/1"><rss:title>First</rss:title><rss:link>https://p.example/1</rss:link></rss:item></rdf:RDF>`);
    expect(rdf).toMatchObject({
      format: 'rdf',
      title: 'Prefixed',
      items: [{ title: 'First', link: 'https://p.example/1' }],
    });
    const atom = await parseFeed(`<a:feed xmlns:a="http://www.w3.org/2005/Atom"><a:title>Atom</a:title>
      <a:entry><a:id>urn:x:1</a:id><a:title>Entry</a:title><a:link href="https://a.example/1"/></a:entry></a:feed>`);
    expect(atom).toMatchObject({
      format: 'atom',
      title: 'Atom',
      items: [{ guid: 'urn:x:1', title: 'Entry', link: 'https://a.example/1' }],
    });
  });

  it('keeps other prefixes: an RSS 2.0 atom:link does not become the channel link', async () => {
    const feed = await parseFeed(`<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>T</title>
      <atom:link href="https://t.example/feed" rel="self"/><link>https://t.example/</link><item><title>i</title></item></channel></rss>`);
    expect(feed.link).toBe('https://t.example/');
  });

  it('reads Atom type="xhtml" titles in document order, and decodes base64 content', async () => {
    const body = Buffer.from('<p>Decoded <b>body</b></p>').toString('base64');
    const feed =
      await parseFeed(`<feed xmlns="http://www.w3.org/2005/Atom"><title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">The <em>feed</em></div></title>
      <entry><id>1</id><title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Collar for <i>dogs</i> &amp; cats</div></title>
        <source><title type="xhtml"><div>Not this one</div></title></source>
        <content type="text/html" mode="base64">${body.slice(0, 10)}\n${body.slice(10)}</content></entry>
      <entry><id>2</id><title>Plain</title></entry></feed>`);
    expect(feed.title).toBe('The feed');
    expect(feed.items.map((i) => i.title)).toEqual(['Collar for dogs & cats', 'Plain']);
    expect(feed.items[0]!.content).toBe('<p>Decoded <b>body</b></p>');
  });
});

describe('bounded documents', () => {
  const rssItem = (i: number, date?: string) =>
    `<item><guid>g${i}</guid><title>t${i}</title>${date ? `<pubDate>${date}</pubDate>` : ''}</item>`;
  const day = (d: number) => new Date(Date.UTC(2026, 0, d)).toUTCString();

  it('keeps the newest maxItems items by date, in document order, and says how many there were', async () => {
    const days = [5, 17, 2, 30, 11, 23, 8, 14, 28, 1];
    const feed = await parseFeed(
      `<rss version="2.0"><channel><title>Many</title>${days.map((d) => rssItem(d, day(d))).join('\n')}<ttl>60</ttl></channel></rss>`,
      '',
      { maxItems: 3 },
    );
    expect(feed.items.map((i) => i.guid)).toEqual(['g30', 'g23', 'g28']);
    expect(feed).toMatchObject({ itemsInDocument: 10, title: 'Many', ttlMinutes: 60 });
  });

  it('keeps the first maxItems of undated items, dated ones first, for Atom and JSON Feed too', async () => {
    const atom = await parseFeed(
      `<feed xmlns="http://www.w3.org/2005/Atom">${[1, 2, 3, 4].map((i) => `<entry><id>e${i}</id>${i === 4 ? '<updated>2026-01-01T00:00:00Z</updated>' : ''}</entry>`).join('')}</feed>`,
      '',
      { maxItems: 2 },
    );
    expect(atom.items.map((i) => i.guid)).toEqual(['e1', 'e4']);
    const json = await parseFeed(
      JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', items: [1, 2, 3].map((i) => ({ id: `j${i}` })) }),
      '',
      { maxItems: 2 },
    );
    expect(json).toMatchObject({ items: [{ guid: 'j1' }, { guid: 'j2' }], itemsInDocument: 3 });
  });

  it('leaves a feed within the limit as it is', async () => {
    const feed = await parseFeed(
      `<rss version="2.0"><channel>${[1, 2].map((i) => rssItem(i)).join('')}</channel></rss>`,
      '',
      { maxItems: 2 },
    );
    expect(feed.items).toHaveLength(2);
    expect(feed.itemsInDocument).toBeUndefined();
  });

  it('cuts the undecoded bytes as it cuts the text, in every encoding, without garbling a character', async () => {
    const days = [5, 17, 2, 30, 11, 23, 8, 14, 28, 1];
    const samples: Array<[encoding: string, label: string, words: string]> = [
      ['utf-8', 'utf-8', 'Ünïcödé — 東京'],
      ['windows-1252', 'windows-1252', 'Ünïcödé — café'],
      ['utf-16le', 'utf-16', 'Ünïcödé — 東京'],
      ['shift_jis', 'shift_jis', '東京のニュース'],
    ];
    for (const [encoding, label, words] of samples) {
      const item = (d: number) =>
        `<item><guid>g${d}</guid><title>${words} ${d}</title><description><![CDATA[<p>a > b</p>]]></description>` +
        `<pubDate>${day(d)}</pubDate></item>`;
      const xml = `<?xml version="1.0" encoding="${label}"?><rss version="2.0"><channel><title>${words}</title>${days.map(item).join('\n')}</channel></rss>`;
      const bytes =
        encoding === 'utf-16le'
          ? Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(xml, encoding)])
          : iconv.encode(xml, encoding);
      const fromBytes = await parseFeedBody(bytes, 'application/rss+xml', { maxItems: 3 });
      const fromText = await parseFeed(decodeBody(bytes, 'application/rss+xml'), 'application/rss+xml', {
        maxItems: 3,
      });
      expect(fromBytes, encoding).toEqual(fromText);
      expect(
        fromBytes.items.map((i) => [i.guid, i.title]),
        encoding,
      ).toEqual([30, 23, 28].map((d) => [`g${d}`, `${words} ${d}`]));
      expect(fromBytes, encoding).toMatchObject({ itemsInDocument: 10, title: words });
    }
  });

  it('refuses elements nested beyond the limit before building a tree', async () => {
    const deep = `<feed xmlns="http://www.w3.org/2005/Atom"><entry><content type="xhtml">${'<div>'.repeat(5000)}x${'</div>'.repeat(5000)}</content></entry></feed>`;
    await expect(parseFeed(deep)).rejects.toThrow(/nested deeper than 128/);
  });
});
