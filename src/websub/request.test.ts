import { describe, expect, it } from 'vitest';
import { formFields, parseSubscriptionRequest } from './request.js';

const parse = (body: string) => parseSubscriptionRequest(formFields(body));
const base =
  'hub.mode=subscribe&hub.callback=https%3A%2F%2Fsub.example%2Fcb%3Fid%3D1&hub.topic=https%3A%2F%2Fn.example%2Ffeeds%2Fall.rss';

describe('subscription requests', () => {
  it('reads mode, callback, topic, lease and secret', () => {
    expect(parse(`${base}&hub.lease_seconds=3600&hub.secret=abc`)).toEqual({
      ok: true,
      request: {
        mode: 'subscribe',
        callback: 'https://sub.example/cb?id=1',
        topic: 'https://n.example/feeds/all.rss',
        leaseSeconds: 3600,
        secret: 'abc',
      },
    });
    expect(parse(base.replace('subscribe', 'unsubscribe'))).toMatchObject({
      ok: true,
      request: { mode: 'unsubscribe', leaseSeconds: undefined },
    });
  });

  it('names what is wrong', () => {
    expect(parse(base.replace('subscribe', 'publish'))).toEqual({
      ok: false,
      message: 'hub.mode must be subscribe or unsubscribe',
    });
    expect(parse('hub.mode=subscribe&hub.topic=x')).toEqual({ ok: false, message: 'hub.callback is required' });
    expect(parse(`${base}&hub.callback=javascript:alert(1)`)).toMatchObject({
      ok: false,
      message: 'hub.callback must be given once',
    });
    expect(parse(base.replace('https%3A%2F%2Fsub', 'ftp%3A%2F%2Fsub'))).toMatchObject({
      ok: false,
      message: expect.stringContaining('http(s) URL'),
    });
    expect(parse(base.replace('https%3A%2F%2Fsub', 'https%3A%2F%2Fu%3Ap%40sub'))).toMatchObject({ ok: false });
    expect(parse(`${base}&hub.lease_seconds=-5`)).toEqual({
      ok: false,
      message: 'hub.lease_seconds must be a whole number of seconds',
    });
    expect(parse(`${base}&hub.secret=${'é'.repeat(100)}`)).toEqual({
      ok: false,
      message: 'hub.secret must be less than 200 bytes',
    });
    expect(parse(`${base}&hub.secret=${'a'.repeat(199)}`)).toMatchObject({ ok: true });
  });
});
