import { describe, expect, it } from 'vitest';
import { escapeXml } from './escape.js';

describe('escapeXml', () => {
  it('escapes markup for element text and attribute values alike', () => {
    expect(escapeXml(`a ]]> b ]]> <item> & "q" 'a'`)).toBe(
      'a ]]&gt; b ]]&gt; &lt;item&gt; &amp; &quot;q&quot; &#39;a&#39;',
    );
    // Already-escaped text is text: its ampersands are escaped again.
    expect(escapeXml('&lt;img onerror&gt;')).toBe('&amp;lt;img onerror&amp;gt;');
  });

  it('drops what XML 1.0 forbids and keeps tab, LF, CR (as a reference) and astral characters', () => {
    expect(escapeXml('n\u0000u\u0001l\u0008l\u000b\u000c\u001f\ufffe\uffff.')).toBe('null.');
    expect(escapeXml('a\tb\nc\rd')).toBe('a\tb\nc&#13;d');
    expect(escapeXml('emoji \ud83d\ude00 ok')).toBe('emoji \ud83d\ude00 ok');
    expect(escapeXml('lone \ud83d high, lone \ude00 low, reversed \ude00\ud83d.')).toBe(
      'lone  high, lone  low, reversed .',
    );
    expect(escapeXml('\u007f\u0085\u00a0\ufffd')).toBe('\u007f\u0085\u00a0\ufffd');
  });
});
