import { describe, expect, it } from 'vitest';
import { errorCategory } from './error-category.js';

describe('errorCategory', () => {
  it.each([
    ['ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:1', null, 'connection refused'],
    ['connect timed out after 10000 ms', null, 'timeout'],
    ['timed out after 20000 ms', null, 'timeout'],
    ['ENOTFOUND: getaddrinfo ENOTFOUND intranet.corp', null, 'DNS failure'],
    ['no address for x.example', null, 'DNS failure'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT: self-signed certificate', null, 'TLS failure'],
    ['ERR_TLS_CERT_ALTNAME_INVALID: Hostname/IP does not match', null, 'TLS failure'],
    ['ECONNRESET: read ECONNRESET', null, 'connection reset'],
    ['connection closed before the body was complete', null, 'connection reset'],
    ['EHOSTUNREACH: connect EHOSTUNREACH 10.0.0.9:80', null, 'host unreachable'],
    [
      'refused to connect to metadata.internal (169.254.169.254): private, loopback or link-local address',
      null,
      'blocked address',
    ],
    ['response too large: Content-Length 52428800 exceeds 10485760 bytes', null, 'too large'],
    ['response too large: more than 10485760 bytes after decompression', null, 'too large'],
    ['too many redirects (more than 5)', 301, 'too many redirects'],
    ['redirect loop at http://10.0.0.1/a', 302, 'too many redirects'],
    ['HTTP 404', 404, 'HTTP 404'],
    ['HTTP 503', 503, 'HTTP 503'],
    ['HTTP 500', null, 'HTTP 500'],
    ['not a well-formed feed: Unexpected close tag', null, 'not a feed'],
    ['got an HTML page that advertises no feed (<link rel="alternate">)', null, 'not a feed'],
    ['response is neither XML nor JSON', null, 'not a feed'],
    ['cannot decode gzip body: incorrect header check', null, 'undecodable response'],
    ['invalid byte sequence for encoding "UTF8": 0x00', null, 'database error'],
    ['database: connect ECONNREFUSED 10.0.0.5:5432', null, 'database error'],
    ['database: null value in column "title" violates not-null constraint', null, 'database error'],
    ['refresh took longer than 60 s: abandoned while storing', null, 'timeout'],
    ['not a well-formed feed: elements nested deeper than 512 levels', null, 'not a feed'],
    ['something nobody foresaw at 10.0.0.7:5432', null, 'error'],
  ])('%s → %s', (message, status, category) => {
    expect(errorCategory(message, status)).toBe(category);
  });

  it('no error, no category; never the message itself', () => {
    expect(errorCategory(null, 200)).toBeNull();
    expect(errorCategory('', null)).toBeNull();
    expect(errorCategory('ECONNREFUSED 127.0.0.1:1', null)).not.toContain('127.0.0.1');
  });
});
