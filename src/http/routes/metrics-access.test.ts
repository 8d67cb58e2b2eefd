import { describe, expect, it } from 'vitest';
import { metricsAccess } from './metrics-access.js';

const TOKEN = '0123456789abcdef-secret';

describe('metricsAccess', () => {
  it('is open by default', () => {
    expect(metricsAccess({ loopbackOnly: false }, '203.0.113.9', undefined)).toEqual({ ok: true });
  });

  it('loopbackOnly admits 127.0.0.0/8 and ::1 (also IPv4-mapped), nothing else', () => {
    const config = { loopbackOnly: true };
    for (const address of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1'])
      expect(metricsAccess(config, address, undefined).ok, address).toBe(true);
    for (const address of ['10.0.0.1', '::ffff:10.0.0.1', '2001:db8::1', '0.0.0.0', undefined]) {
      expect(metricsAccess(config, address, undefined), String(address)).toMatchObject({ ok: false, status: 403 });
    }
  });

  it('a token needs exactly that bearer token', () => {
    const config = { token: TOKEN, loopbackOnly: false };
    expect(metricsAccess(config, '203.0.113.9', `Bearer ${TOKEN}`)).toEqual({ ok: true });
    expect(metricsAccess(config, '203.0.113.9', `bearer  ${TOKEN} `)).toEqual({ ok: true });
    for (const header of [
      undefined,
      '',
      'Bearer',
      `Bearer ${TOKEN}x`,
      `Bearer ${TOKEN.slice(1)}`,
      `Basic ${TOKEN}`,
      TOKEN,
      `Bearer ${TOKEN} extra`,
    ]) {
      expect(metricsAccess(config, '127.0.0.1', header), String(header)).toMatchObject({ ok: false, status: 401 });
    }
  });

  it('both set: both must hold', () => {
    const config = { token: TOKEN, loopbackOnly: true };
    expect(metricsAccess(config, '10.0.0.1', `Bearer ${TOKEN}`)).toMatchObject({ ok: false, status: 403 });
    expect(metricsAccess(config, '127.0.0.1', undefined)).toMatchObject({ ok: false, status: 401 });
    expect(metricsAccess(config, '127.0.0.1', `Bearer ${TOKEN}`)).toEqual({ ok: true });
  });
});
