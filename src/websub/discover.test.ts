import { describe, expect, it } from 'vitest';
import { discoverHub } from './discover.js';

const url = 'https://blog.example/feed';

describe('hub discovery in a fetched feed', () => {
  it('reads the channel links of RSS and Atom, not those of items', () => {
    const rss = `<?xml version="1.0"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>t</title>
      <atom:link rel="self" href="https://blog.example/feed?a=1&amp;b=2" type="application/rss+xml"/>
      <atom:link href='https://hub.example/' rel='hub'/>
      <item><atom:link rel="hub" href="https://wrong.example/"/></item></channel></rss>`;
    expect(discoverHub(rss, {}, url)).toEqual({
      hub: 'https://hub.example/',
      self: 'https://blog.example/feed?a=1&b=2',
    });
    const atom = `<feed xmlns="http://www.w3.org/2005/Atom"><entry><link rel="hub" href="https://wrong.example/"/></entry></feed>`;
    expect(discoverHub(atom, {}, url)).toBeUndefined();
    const relative = `<feed xmlns="http://www.w3.org/2005/Atom"><link rel="hub" href="/hub"/><entry/></feed>`;
    expect(discoverHub(relative, {}, url)).toEqual({ hub: 'https://blog.example/hub', self: url });
  });

  it('reads JSON Feed hubs and feed_url', () => {
    const json = JSON.stringify({
      version: 'https://jsonfeed.org/version/1.1',
      feed_url: 'https://blog.example/feed.json',
      hubs: [
        { type: 'rssCloud', url: 'https://cloud.example/' },
        { type: 'WebSub', url: 'https://hub.example/' },
      ],
      items: [],
    });
    expect(discoverHub(json, {}, url)).toEqual({ hub: 'https://hub.example/', self: 'https://blog.example/feed.json' });
    expect(discoverHub(Buffer.from(`\uFEFF ${json}`), {}, url)).toEqual({
      hub: 'https://hub.example/',
      self: 'https://blog.example/feed.json',
    });
    expect(discoverHub(Buffer.from(JSON.stringify({ version: '1.1', items: [] })), {}, url)).toBeUndefined();
  });

  it('prefers Link headers, and ignores non-http hubs', () => {
    const body = '<rss><channel><atom:link rel="hub" href="https://body-hub.example/"/></channel></rss>';
    expect(
      discoverHub(
        body,
        { link: '<https://header-hub.example/>; rel="hub", <https://blog.example/topic>; rel="self"' },
        url,
      ),
    ).toEqual({ hub: 'https://header-hub.example/', self: 'https://blog.example/topic' });
    expect(
      discoverHub('<rss><channel><atom:link rel="hub" href="javascript:alert(1)"/></channel></rss>', {}, url),
    ).toBeUndefined();
    expect(discoverHub('<rss><channel/></rss>', {}, url)).toBeUndefined();
  });
});
