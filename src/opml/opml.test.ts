import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load.js';
import { renderOpml } from './export.js';
import { addSourcesToYaml, parseOpml } from './import.js';

const OPML = `<?xml version="1.0"?>
<opml version="2.0"><head><title>Reader export</title></head><body>
  <outline text="Defense &amp; Security">
    <outline text="SpaceWar" title="SpaceWar.com" type="rss" xmlUrl="https://www.spacewar.com/spacewar.xml" htmlUrl="https://www.spacewar.com/"/>
    <outline text="Space">
      <outline text="NASA &lt;script&gt;alert(1)&lt;/script&gt;" type="rss" xmlUrl="https://www.nasa.gov/feed/" category="/agency,/us"/>
    </outline>
  </outline>
  <outline text="Bad" type="rss" xmlUrl="javascript:alert(1)"/>
  <outline text="Existing" type="rss" xmlUrl="https://existing.example/rss"/>
  <outline text="SpaceWar" type="rss" xmlUrl="https://www.spacewar.com/other.xml"/>
</body></opml>`;

describe('OPML', () => {
  it('reads nested outlines, folders and categories as tags, and skips non-web URLs', () => {
    expect(parseOpml(OPML)).toEqual([
      {
        title: 'SpaceWar.com',
        xmlUrl: 'https://www.spacewar.com/spacewar.xml',
        htmlUrl: 'https://www.spacewar.com/',
        tags: ['defense-security'],
      },
      {
        title: 'NASA <script>alert(1)</script>',
        xmlUrl: 'https://www.nasa.gov/feed/',
        htmlUrl: undefined,
        tags: ['defense-security', 'space', 'agency', 'us'],
      },
      { title: 'Existing', xmlUrl: 'https://existing.example/rss', htmlUrl: undefined, tags: [] },
      { title: 'SpaceWar', xmlUrl: 'https://www.spacewar.com/other.xml', htmlUrl: undefined, tags: [] },
    ]);
  });

  it('adds new feeds to the YAML with unique slug ids, keeping comments and skipping known URLs', () => {
    const yaml = '# my sources\nsources:\n  - id: existing # keep me\n    url: https://existing.example/rss\n';
    const result = addSourcesToYaml(yaml, parseOpml(OPML));
    expect(result.added).toEqual(['spacewar-com', 'nasa-script-alert-1-script', 'spacewar']);
    expect(result.skipped).toEqual(['https://existing.example/rss']);
    expect(result.yaml).toContain('# my sources');
    expect(result.yaml).toContain('# keep me');
    const parsed = parseConfig(result.yaml, 'x.yaml');
    expect(parsed.ok).toBe(true);
    if (parsed.ok)
      expect(parsed.config.sources.map((s) => s.id)).toEqual([
        'existing',
        'spacewar-com',
        'nasa-script-alert-1-script',
        'spacewar',
      ]);
  });

  it('round-trips through export: every source with its tags, text escaped', () => {
    const xml = renderOpml('T & co', [
      {
        id: 'a',
        url: 'https://a.example/rss?x=1&y=2',
        name: 'A <b>',
        siteUrl: 'https://a.example/',
        tags: ['defense', 'space'],
      },
      { id: 'b', url: 'https://b.example/feed', tags: [] },
    ]);
    expect(xml).toContain('<title>T &amp; co</title>');
    expect(xml).not.toContain('<b>');
    expect(parseOpml(xml)).toEqual([
      {
        title: 'A <b>',
        xmlUrl: 'https://a.example/rss?x=1&y=2',
        htmlUrl: 'https://a.example/',
        tags: ['defense', 'space'],
      },
      { title: 'b', xmlUrl: 'https://b.example/feed', htmlUrl: undefined, tags: [] },
    ]);
  });

  it("writes only http(s) URLs: a feed's site link may be anything", () => {
    const xml = renderOpml('T', [
      { id: 'a', url: 'https://a.example/rss', name: 'A\u0000\u0007 "q"', siteUrl: 'javascript:alert(1)', tags: [] },
      { id: 'b', url: 'https://b.example/rss', siteUrl: 'data:text/html,<script>alert(2)</script>', tags: [] },
      { id: 'c', url: 'https://c.example/rss', siteUrl: ' https://c.example/home ', tags: [] },
    ]);
    // eslint-disable-next-line no-control-regex -- looking for the control characters XML forbids
    expect(xml).not.toMatch(/javascript:|data:|[\u0000-\u0008]/);
    expect(parseOpml(xml).map((o) => [o.title, o.htmlUrl])).toEqual([
      ['A "q"', undefined],
      ['b', undefined],
      ['c', 'https://c.example/home'],
    ]);
  });
});
