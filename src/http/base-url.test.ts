import { describe, expect, it } from 'vitest';
import { requestBaseUrl, validHost } from './base-url.js';

const local = { localAddress: '10.1.2.3', localPort: 8080 };

describe('request base URL', () => {
  it('uses output.baseUrl when configured, without a trailing slash', () => {
    expect(
      requestBaseUrl(
        { host: 'other.example', ...local },
        { configured: 'https://news.example/feeds/', trustProxy: false },
      ),
    ).toBe('https://news.example/feeds');
  });

  it('follows the Host header the client sent', () => {
    expect(requestBaseUrl({ host: 'News.Example:8443', ...local }, { trustProxy: false })).toBe(
      'http://news.example:8443',
    );
    expect(requestBaseUrl({ host: '127.0.0.1:3000', ...local }, { trustProxy: false })).toBe('http://127.0.0.1:3000');
    expect(requestBaseUrl({ host: '[::1]:3000', ...local }, { trustProxy: false })).toBe('http://[::1]:3000');
    expect(requestBaseUrl({ host: 'news.example:80', ...local }, { trustProxy: false })).toBe('http://news.example');
  });

  it('believes X-Forwarded-Host and -Proto only when trustProxy is on', () => {
    const origin = {
      host: 'backend:8080',
      forwardedHost: 'news.example, proxy.internal',
      forwardedProto: 'https',
      ...local,
    };
    expect(requestBaseUrl(origin, { trustProxy: false })).toBe('http://backend:8080');
    expect(requestBaseUrl(origin, { trustProxy: true })).toBe('https://news.example');
    expect(requestBaseUrl({ ...origin, forwardedProto: ['HTTPS'] }, { trustProxy: true })).toBe('https://news.example');
    expect(
      requestBaseUrl(
        { ...origin, forwardedProto: 'javascript', forwardedHost: 'evil.example/"><x' },
        { trustProxy: true },
      ),
    ).toBe('http://backend:8080');
  });

  it('falls back to the address the client connected to when the Host header is missing or malformed', () => {
    for (const host of [
      undefined,
      '',
      'evil.example/"><script>',
      'a b',
      'x@evil.example',
      'news.example:0',
      'news.example:99999',
      '[::g]',
      '999.1.1.1',
      'a..b',
      '-a.example',
      `${'a'.repeat(64)}.example`,
      'host\u0000',
    ]) {
      expect(requestBaseUrl({ host, ...local }, { trustProxy: false }), String(host)).toBe('http://10.1.2.3:8080');
    }
    expect(requestBaseUrl({ localAddress: '::ffff:127.0.0.1', localPort: 8080 }, { trustProxy: false })).toBe(
      'http://127.0.0.1:8080',
    );
    expect(requestBaseUrl({ localAddress: 'fe80::1%eth0', localPort: 8080 }, { trustProxy: false })).toBe(
      'http://[fe80::1]:8080',
    );
  });

  it('validHost accepts names, IPv4 and bracketed IPv6, each with an optional port', () => {
    expect(validHost('localhost')).toBe('localhost');
    expect(validHost('my_host.internal:8080')).toBe('my_host.internal:8080');
    expect(validHost('192.168.1.10')).toBe('192.168.1.10');
    expect(validHost('[2001:db8::1]:443')).toBe('[2001:db8::1]:443');
    expect(validHost('2001:db8::1')).toBeUndefined();
  });
});
