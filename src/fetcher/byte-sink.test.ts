import { describe, expect, it } from 'vitest';
import { ByteSink } from './byte-sink.js';

describe('ByteSink', () => {
  it('collects chunks in order, whether the size was declared, undeclared or wrong', () => {
    const chunks = ['<rss>', 'x'.repeat(100_000), '</rss>'].map((s) => Buffer.from(s));
    const whole = Buffer.concat(chunks);
    for (const expected of [whole.length, undefined, 10, 0, Number.NaN]) {
      const sink = new ByteSink(expected);
      for (const chunk of chunks) sink.write(chunk);
      expect(sink.bytes().equals(whole), String(expected)).toBe(true);
    }
  });
});
