import { describe, expect, it } from 'vitest';
import { mediaType } from './mime.js';

describe('mediaType', () => {
  it('keeps well-formed media types, with parameters', () => {
    expect(mediaType('audio/mpeg')).toBe('audio/mpeg');
    expect(mediaType(' video/mp4; codecs="avc1.42E01E, mp4a.40.2" ')).toBe(
      'video/mp4; codecs="avc1.42E01E, mp4a.40.2"',
    );
    expect(mediaType('application/rss+xml;charset=utf-8')).toBe('application/rss+xml;charset=utf-8');
  });

  it('drops anything else', () => {
    for (const bad of [
      'audio/mpeg<&x',
      'audio',
      'audio/',
      '/mpeg',
      'audio/mpeg; x',
      'a/b; c="d"e"',
      'a/b"',
      'text/html\n<x>',
      'a b/c',
      '',
      undefined,
      null,
    ]) {
      expect(mediaType(bad), String(bad)).toBeUndefined();
    }
    expect(mediaType(`a/${'b'.repeat(300)}`)).toBeUndefined();
  });
});
