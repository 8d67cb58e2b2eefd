import { describe, expect, it } from 'vitest';
import { ByteText, scanTags, type Tag } from './tags.js';

const tags = (text: string, mode: 'html' | 'xml') => {
  const seen: string[] = [];
  scanTags(text, mode, (t) => {
    seen.push(`${t.close ? '/' : ''}${t.name}${t.selfClosing ? '/' : ''}`);
  });
  return seen;
};

describe('scanTags', () => {
  it('lists start, end and empty tags in order, skipping comments, CDATA, declarations and PIs', () => {
    expect(
      tags(
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "<no>">]><a:feed x="1"><!-- <no> --><e><![CDATA[<no>]]></e><br/></a:feed>',
        'xml',
      ),
    ).toEqual(['a:feed', 'e', '/e', 'br/', '/a:feed']);
  });

  it('in HTML, skips the content of raw-text elements up to their end tag, and reads "<" that starts no tag as text', () => {
    expect(tags('<p>1 < 2 <script>if (a<b) document.write("<div>")</SCRIPT ><b>x</b></p>', 'html')).toEqual([
      'p',
      'script',
      '/script',
      'b',
      '/b',
      '/p',
    ]);
    expect(tags('<![CDATA[<div>]]><i>', 'html')).toEqual(['i']);
  });

  it('stops at a tag that never closes, and can be stopped', () => {
    expect(tags('<a><b c="d', 'html')).toEqual(['a']);
    const seen: string[] = [];
    scanTags('<a><b><c>', 'html', (t) => seen.push(t.name) < 2);
    expect(seen).toEqual(['a', 'b']);
  });

  it('reads the bytes of an ASCII-compatible document as it reads its text, at byte offsets', () => {
    const xml =
      '<?xml version="1.0" encoding="utf-8"?><rss><channel><!-- <item> --><item a="x>y"><title>Ünïcödé — 東京</title>' +
      '<![CDATA[<item>]]></item><item/></channel></rss>';
    const bytes = Buffer.from(xml, 'utf8');
    const seen = (text: string | ByteText) => {
      const out: string[] = [];
      const record = (t: Tag) => {
        out.push(`${t.close ? '/' : ''}${t.name}${t.selfClosing ? '/' : ''}`);
      };
      if (typeof text === 'string') scanTags(text, 'xml', record);
      else scanTags(text, 'xml', record);
      return out;
    };
    expect(seen(new ByteText(bytes))).toEqual(seen(xml));
    const ends: string[] = [];
    scanTags(new ByteText(bytes), 'xml', (t) => {
      if (t.close && t.name === 'item') ends.push(bytes.toString('utf8', 0, t.end).slice(-40));
    });
    expect(ends).toEqual([xml.slice(0, xml.indexOf('</item>') + 7).slice(-40)]);
  });
});
