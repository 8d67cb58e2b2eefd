import { describe, expect, it } from 'vitest';
import { htmlToText, plainText } from './text.js';

describe('plainText', () => {
  it('decodes entities, drops tags and hidden content, and separates blocks', () => {
    expect(plainText('  Fish &amp; chips\n  &#8212; <b>now</b>  ')).toBe('Fish & chips — now');
    expect(
      plainText('<p>one</p><p>two</p><script>var x = "<p>no</p>";</script><style>p{}</style>three &lt;b&gt;'),
    ).toBe('one two three <b>');
    expect(plainText('a < b and c <d')).toBe('a < b and c <d');
    expect(plainText('a<!-- <b>hidden</b> -->b<![CDATA[c]]>d<?pi x?>e<!-- unclosed')).toBe('abde');
    expect(plainText(undefined)).toBe('');
  });

  it('keeps line breaks at block boundaries for paragraphs', () => {
    expect(htmlToText('<div>a<div>b</div>c</div>').split('\n').filter(Boolean)).toEqual(['a', 'b', 'c']);
  });
});
