import { describe, expect, it } from 'vitest';
import { canonicalUrl, resolveUrl } from './url.js';

describe('canonicalUrl', () => {
  it('lower-cases scheme and host, drops default port, fragment and tracking parameters, sorts the rest', () => {
    expect(
      canonicalUrl('HTTPS://WWW.Example.COM:443/News/Story.html?utm_source=rss&b=2&fbclid=x&a=1&gclid=y&mc_cid=z#top'),
    ).toBe('https://www.example.com/News/Story.html?a=1&b=2');
    expect(canonicalUrl('http://example.com:80/a?utm_medium=feed')).toBe('http://example.com/a');
    expect(canonicalUrl('http://example.com:8080/a')).toBe('http://example.com:8080/a');
  });
  it('refuses non-web schemes', () => {
    expect(canonicalUrl('javascript:alert(1)')).toBeUndefined();
    expect(canonicalUrl('not a url')).toBeUndefined();
  });
});

describe('resolveUrl', () => {
  it('resolves relative links against the first usable base', () => {
    expect(resolveUrl('/a/b', 'https://site.example/x/y')).toBe('https://site.example/a/b');
    expect(resolveUrl('c', undefined, 'https://feed.example/dir/feed.xml')).toBe('https://feed.example/dir/c');
    expect(resolveUrl('https://abs.example/p', 'https://other.example/')).toBe('https://abs.example/p');
  });
  it('drops links that are not http(s)', () => {
    expect(resolveUrl('javascript:alert(1)', 'https://site.example/')).toBeUndefined();
    expect(resolveUrl('  ', 'https://site.example/')).toBeUndefined();
  });
});
