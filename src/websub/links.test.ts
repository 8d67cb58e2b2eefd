import { describe, expect, it } from 'vitest';
import { configSchema } from '../config/schema.js';
import { hubUrlFor, websubLinkHeader } from './links.js';

const output = (o: object) => configSchema.parse({ output: o }).output;

describe('hub URL', () => {
  it("is the service's own /websub under the base URL, the external hub when configured, none when disabled", () => {
    expect(hubUrlFor(output({}), 'http://news.example/agg')).toBe('http://news.example/agg/websub');
    expect(hubUrlFor(output({ baseUrl: 'https://n.example', hub: 'https://hub.example/' }), 'https://n.example')).toBe(
      'https://hub.example/',
    );
    expect(hubUrlFor(output({ websub: { enabled: false } }), 'http://n.example')).toBeUndefined();
  });

  it('is written as a Link header with hub and self', () => {
    expect(websubLinkHeader('http://h.example/websub', 'http://h.example/feeds/all.rss?q=a b')).toBe(
      '<http://h.example/websub>; rel="hub", <http://h.example/feeds/all.rss?q=a%20b>; rel="self"',
    );
  });
});

describe('websub config', () => {
  it('has defaults and refuses an inconsistent lease range and an external hub without a base URL', () => {
    const websub = output({}).websub;
    expect(websub).toMatchObject({
      enabled: true,
      allowPrivateCallbacks: false,
      leaseSeconds: { min: 3600, max: 2_592_000 },
    });
    expect(websub.delivery.backoff).toBe(60_000);
    expect(configSchema.safeParse({ output: { websub: { leaseSeconds: { min: 7200, default: 3600 } } } }).success).toBe(
      false,
    );
    const noBase = configSchema.safeParse({ output: { hub: 'https://hub.example/' } });
    expect(noBase.success).toBe(false);
    expect(noBase.error?.issues[0]?.path).toEqual(['output', 'hub']);
  });
});
