import * as cheerio from 'cheerio';
import { describe, expect, it } from 'vitest';
import { STORIES } from '../../../test/fixtures/story-views.js';
import { renderStatusPage, type StatusPageSource } from './status-page.js';

const source = (fields: Partial<StatusPageSource> & Pick<StatusPageSource, 'id'>): StatusPageSource => ({
  url: `https://${fields.id}.example/feed`,
  name: null,
  feedTitle: null,
  currentUrl: null,
  lastError: null,
  lastStatus: null,
  notice: null,
  consecutiveFailures: 0,
  lastSuccessAt: null,
  nextFetchAt: new Date(Date.UTC(2026, 10, 2)),
  articleCount: 0,
  status: 'ok',
  ...fields,
});

const html = renderStatusPage({
  title: 'News <&> "Hub"',
  baseUrl: 'https://hub.example',
  topics: [{ id: 'defense', title: '<script>alert(1)</script>', description: '"quoted" & <b>' }],
  stories: STORIES,
  sources: [
    source({
      id: 'hostile',
      feedTitle: '<script>alert("feed")</script>',
      currentUrl: 'javascript:alert(1)',
      lastError: 'ECONNREFUSED: connect ECONNREFUSED 10.0.0.7:5432',
      consecutiveFailures: 3,
      status: 'failing',
    }),
    source({
      id: 'moved',
      name: 'Moved',
      currentUrl: 'https://moved.example/new',
      lastError: 'HTTP 404',
      lastStatus: 404,
      status: 'failing',
    }),
    source({
      id: 'cut',
      notice: 'kept the newest 10,000 of 250,000 items; 3 items with a title cut to <2,000> characters.',
    }),
  ],
});
const $ = cheerio.load(html);

describe('status page', () => {
  it('escapes every text from config, feeds and stories', () => {
    expect($('script')).toHaveLength(0);
    expect($('title').text()).toBe('News <&> "Hub"');
    expect($('#topics strong').eq(1).text()).toBe('<script>alert(1)</script>');
    expect($('#sources td').first().text()).toBe('<script>alert("feed")</script>');
    expect($('#latest li').first().text()).toContain('<script>alert(1)</script>');
  });

  it('links only http(s) URLs and builds its own links on the base URL', () => {
    const hrefs = $('a, link[href]')
      .map((_, el) => $(el).attr('href'))
      .get();
    expect(hrefs.every((href) => href.startsWith('https://'))).toBe(true);
    expect(hrefs).toEqual(
      expect.arrayContaining([
        'https://hub.example/feeds/defense.atom',
        'https://hub.example/opml',
        'https://moved.example/new',
      ]),
    );
    // Top-stories feeds: subscribe links and autodiscovery, for everything and each topic.
    const top = ['top', 'defense/top'].flatMap((name) =>
      ['rss', 'atom', 'json'].map((ext) => `https://hub.example/feeds/${name}.${ext}`),
    );
    expect(
      $('#topics .top a')
        .map((_, el) => $(el).attr('href'))
        .get(),
    ).toEqual(top);
    expect(
      $('link[rel="alternate"]')
        .map((_, el) => $(el).attr('href'))
        .get(),
    ).toEqual(expect.arrayContaining(top));
    expect($('link[rel="alternate"][href="https://hub.example/feeds/defense/top.json"]').attr('title')).toBe(
      '<script>alert(1)</script>, top stories (JSON Feed)',
    );
    // The story whose link was javascript: is listed as text.
    expect($('#latest li').first().find('a')).toHaveLength(0);
  });

  it('shows the category of a source error, not its text', () => {
    const cells = $('#sources tbody tr')
      .map((_, tr) => $(tr).find('td').last().text())
      .get();
    expect(cells).toEqual([
      'connection refused · now at javascript:alert(1)',
      'HTTP 404 · now at https://moved.example/new',
      'kept the newest 10,000 of 250,000 items; 3 items with a title cut to <2,000> characters.',
    ]);
    expect(html).not.toContain('10.0.0.7');
  });
});
