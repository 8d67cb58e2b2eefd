import { describe, expect, it } from 'vitest';
import { assertPublicHost, isPrivateAddress } from './address-guard.js';

describe('isPrivateAddress', () => {
  it.each([
    '127.0.0.1',
    '127.8.9.10',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '0.0.0.0',
    '100.64.0.1',
    '::1',
    '::',
    'fe80::1',
    'fd00::1',
    'fc00::abcd',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:10.0.0.1',
    '::ffff:1.1.1.1',
    '64:ff9b::7f00:1',
    'not-an-ip',
    '::127.0.0.1',
    '::7f00:1',
    '::a9fe:a9fe',
    '::ffff:0:7f00:1',
    '64:ff9b:1::a00:1',
    '64:ff9b:1:ffff::1',
    '2002:7f00:1::1',
    '2002:c0a8:101::',
    'fec0::1',
    'feff::1',
    '2001:0:4136:e378::1',
    '0:0:0:0:0:0:127.0.0.1',
  ])('%s is refused', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });
  it.each([
    '93.184.216.34',
    '8.8.8.8',
    '172.32.0.1',
    '2606:4700::1111',
    '2a00:1450:4001::200e',
    '64:ff9b:2::1',
    '2003::1',
  ])('%s is public', (address) => {
    expect(isPrivateAddress(address)).toBe(false);
  });
});

describe('assertPublicHost', () => {
  it('refuses literal private hosts and localhost names before any connection', () => {
    for (const url of [
      'http://127.0.0.1/',
      'http://[::1]:8080/',
      'http://169.254.169.254/latest',
      'http://localhost/',
      'http://api.localhost/',
      'http://2130706433/',
      'http://0x7f.1/',
      'http://[::ffff:127.0.0.1]/',
      'http://[::ffff:7f00:1]:80/',
      'http://0/',
      'http://[::127.0.0.1]/',
      'http://[64:ff9b:1::7f00:1]/',
      'http://[2002:7f00:1::]/',
      'http://[fec0::1]/',
    ]) {
      expect(() => assertPublicHost(new URL(url)), url).toThrow(/refused to connect/);
    }
    expect(() => assertPublicHost(new URL('https://news.example.com/'))).not.toThrow();
  });
});
