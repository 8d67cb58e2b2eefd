import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signBody, verifySignature } from './signature.js';

describe('X-Hub-Signature', () => {
  const body = Buffer.from('<feed>ünïcode</feed>');

  it('is sha256= and the hex HMAC of the body bytes, the same over the body in pieces', () => {
    const expected = createHmac('sha256', 's3cret').update(body).digest('hex');
    expect(signBody('s3cret', body)).toBe(`sha256=${expected}`);
    expect(signBody('s3cret', [body.subarray(0, 5), body.subarray(5)])).toBe(`sha256=${expected}`);
  });

  it('verifies its own signature and those of other algorithms, and refuses a wrong secret, body or header', () => {
    expect(verifySignature('s3cret', body, signBody('s3cret', body))).toBe(true);
    expect(verifySignature('s3cret', body, `sha1=${createHmac('sha1', 's3cret').update(body).digest('hex')}`)).toBe(
      true,
    );
    expect(verifySignature('s3cret', body, signBody('S3cret', body))).toBe(false);
    expect(verifySignature('s3cret', Buffer.from('<feed/>'), signBody('s3cret', body))).toBe(false);
    expect(verifySignature('s3cret', body, signBody('s3cret', body).slice(0, -2))).toBe(false);
    expect(verifySignature('s3cret', body, 'md5=00')).toBe(false);
    expect(verifySignature('s3cret', body, undefined)).toBe(false);
    expect(verifySignature('s3cret', body, 'sha256=zz')).toBe(false);
  });
});
