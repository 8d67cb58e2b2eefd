import * as cheerio from 'cheerio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryStories, type StoryView } from '../../src/storage/stories.js';
import { runPass } from '../../src/worker/pass.js';
import {
  CONTROL_TITLE,
  FORGE_ATOM_TITLE,
  FORGE_RSS_TITLE,
  HOSTILE_AUTHOR,
  HOSTILE_CATEGORIES,
  HOSTILE_JSON,
  HOSTILE_RSS,
  INVALID_MIME,
  SCRIPT_TITLE,
  TEXT_WITH_TAG,
  VALID_MIME_WITH_QUOTES,
} from '../fixtures/hostile-output.js';
import { testDatabases } from '../helpers/database.js';
import {
  VALIDATOR_TIMEOUT,
  feedValidityErrors,
  readWithFeedparser,
  xmlWellFormednessErrors,
  type FeedparserEntry,
} from '../helpers/feed-validators.js';
import { startStack, type Stack } from '../helpers/stack.js';

/** What XML 1.0 cannot carry: an XML format may drop these from text, and nothing else. */
// eslint-disable-next-line no-control-regex -- the characters XML forbids are control characters
const xmlCarriable = (text: string) => text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '');
const htmlText = (html: string) => cheerio.load(`<body>${html}</body>`, null, false).root().text();
const isHttp = (url: string | null | undefined) => url === null || url === undefined || /^https?:\/\//.test(url);

interface JsonItem {
  id: string;
  title: string;
  url?: string;
  summary?: string;
  content_html: string;
  tags?: string[];
  authors?: { name: string }[];
  attachments?: { url: string; mime_type: string }[];
  _tributary: { outlets: { name: string; url?: string | null; feed_url?: string | null }[] };
}

// Hostile items go through the real pipeline (fixture feeds over HTTP, parse, normalize, store) and out through every
// format; each output must validate with real consumers and carry exactly the stored entries, their text as text.
describe.each(testDatabases())(
  'hostile text in the output feeds on $name',
  { timeout: VALIDATOR_TIMEOUT },
  (testDb) => {
    let stack: Stack;
    let stored: StoryView[];
    const bodies = new Map<string, string>();

    beforeAll(async () => {
      stack = await startStack(
        testDb,
        {
          '/hostile.rss': { headers: { 'content-type': 'application/rss+xml' }, body: HOSTILE_RSS },
          '/ctrl.json': { headers: { 'content-type': 'application/feed+json' }, body: HOSTILE_JSON },
        },
        (url) => `
sources:
  - { id: hostile, url: "${url}/hostile.rss" }
  - { id: ctrl, url: "${url}/ctrl.json" }
topics:
  - { id: harbour, title: "Harbour <&> \\"news\\"", description: "]]> & <b>not bold</b>", include: [harbour, strike, budget] }
`,
      );
      await runPass(stack.ctx, { force: true });
      stored = await queryStories(stack.ctx.database.db, { limit: 200 });
      for (const format of ['rss', 'atom', 'json']) {
        const response = await fetch(`${stack.base}/feeds/all.${format}?limit=200`);
        expect(response.status).toBe(200);
        bodies.set(format, await response.text());
      }
    });

    afterAll(async () => {
      await stack?.close();
    });

    it('stored the hostile items verbatim (so the checks below test something)', () => {
      const titles = stored.map((s) => s.title);
      expect(titles).toEqual(expect.arrayContaining([FORGE_RSS_TITLE, FORGE_ATOM_TITLE, SCRIPT_TITLE]));
      // Control characters may be stripped at normalization; XML output must drop any that were stored.
      expect(titles.some((t) => t.startsWith(CONTROL_TITLE.slice(0, 4)))).toBe(true);
      expect(stored.map((s) => s.text)).toContain(TEXT_WITH_TAG);
      expect(stored.map((s) => s.author)).toContain(HOSTILE_AUTHOR);
      expect(stored.flatMap((s) => s.categories)).toEqual(expect.arrayContaining(HOSTILE_CATEGORIES));
      expect(stored.flatMap((s) => s.enclosures.map((e) => e.type))).toEqual(
        expect.arrayContaining([INVALID_MIME, VALID_MIME_WITH_QUOTES]),
      );
      // Ingest may already drop a non-http(s) site link; the writers' and OPML unit tests cover one that was stored.
      expect(stored.flatMap((s) => s.outlets.filter((o) => o.sourceId === 'hostile').map((o) => o.siteUrl))).toEqual(
        expect.arrayContaining([
          expect.toSatisfy((url) => url === null || url === 'javascript:alert(document.domain)'),
        ]),
      );
      expect(stored).toHaveLength(4);
    });

    it.each(['rss', 'atom', 'json'] as const)('%s validates with real consumers', async (format) => {
      expect(await feedValidityErrors(format, bodies.get(format)!)).toEqual([]);
    });

    it.each(['rss', 'atom'] as const)('%s carries exactly the stored entries, their text as text', async (format) => {
      const feed = await readWithFeedparser(bodies.get(format)!);
      const byId = new Map(feed.entries.map((e) => [e.id, e]));
      expect([...byId.keys()].sort()).toEqual(stored.map((s) => s.uid).sort());
      expect(feed.entries).toHaveLength(stored.length);
      for (const story of stored) {
        const entry = byId.get(story.uid)!;
        expect(entry.title).toBe(xmlCarriable(story.title));
        expect(entry.title_detail?.type).toBe('text/plain');
        expectLinksHttp(entry);
        expect(entry.tags).toEqual(expect.arrayContaining([...story.topics, ...story.categories].map(xmlCarriable)));
        const summary = entry.summary_detail;
        if (story.text) {
          // Atom: a text construct; RSS: HTML whose text is the story's text.
          expect(format === 'atom' ? summary?.value : htmlText(summary?.value ?? '')).toBe(xmlCarriable(story.text));
          if (format === 'atom') expect(summary?.type).toBe('text/plain');
        }
      }
      const scripted = byId.get(stored.find((s) => s.author === HOSTILE_AUTHOR)!.uid)!;
      expect(scripted.author).toBe(HOSTILE_AUTHOR);
      expect(scripted.enclosures.map((e) => e.type)).not.toContain(INVALID_MIME);
      expect(scripted.enclosures.map((e) => e.type)).toEqual(['application/octet-stream']);
      // feedparser lower-cases media types; the attribute itself must carry the quotes intact.
      const quoted = stored.find((s) => s.enclosures.some((e) => e.type === VALID_MIME_WITH_QUOTES))!;
      expect(byId.get(quoted.uid)!.enclosures.map((e) => e.type)).toEqual([VALID_MIME_WITH_QUOTES.toLowerCase()]);
      const $ = cheerio.load(bodies.get(format)!, { xml: true });
      const types = $(format === 'rss' ? 'enclosure' : 'link[rel="enclosure"]')
        .map((_, el) => $(el).attr('type'))
        .get();
      expect(types).toContain(VALID_MIME_WITH_QUOTES);
    });

    it('json carries exactly the stored entries, their text as text', () => {
      const feed = JSON.parse(bodies.get('json')!) as { items: JsonItem[] };
      expect(feed.items.map((i) => i.id).sort()).toEqual(stored.map((s) => s.uid).sort());
      for (const story of stored) {
        const item = feed.items.find((i) => i.id === story.uid)!;
        expect(item.title).toBe(story.title);
        if (story.text) expect(item.summary).toBe(story.text);
        expect(isHttp(item.url)).toBe(true);
        expect(item.attachments?.every((a) => isHttp(a.url) && a.mime_type !== INVALID_MIME) ?? true).toBe(true);
        expect(item._tributary.outlets.every((o) => isHttp(o.url) && isHttp(o.feed_url))).toBe(true);
        expect(item.tags ?? []).toEqual(expect.arrayContaining([...story.topics, ...story.categories]));
      }
      expect(feed.items.find((i) => i.authors?.[0]?.name === HOSTILE_AUTHOR)).toBeDefined();
    });

    it('never sends a script-capable URL or live markup from a source', () => {
      for (const [format, body] of bodies) {
        expect(body, format).not.toMatch(/javascript:|data:text/i);
        // JSON carries text as JSON strings (plain text may read "<script>"); its HTML is content_html.
        const markup =
          format === 'json'
            ? (JSON.parse(body) as { items: JsonItem[] }).items.map((i) => i.content_html).join('\n')
            : body;
        expect(markup, format).not.toContain('<img src=x');
        expect(markup, format).not.toContain('<script');
        // A forged element would be a real one: exactly the stored entries are elements, however their titles read.
        const $ = cheerio.load(body, { xml: true });
        if (format !== 'json') expect($(format === 'rss' ? 'item' : 'entry').length, format).toBe(stored.length);
      }
    });

    it("atom names every entry's author, falling back to the lead outlet", async () => {
      const feed = await readWithFeedparser(bodies.get('atom')!);
      for (const story of stored) {
        const entry = feed.entries.find((e) => e.id === story.uid)!;
        // "address (Name)" is written as a name and an email address.
        const name =
          story.author === 'desk@hostile.example (Harbour Desk)'
            ? 'Harbour Desk'
            : (story.author ?? story.outlets[0]!.name);
        expect(entry.authors.map((a) => a.name)).toEqual([xmlCarriable(name)]);
        expect(entry.source.title).toBe(story.outlets[0]!.name);
      }
    });

    it('rss writes <author> only as an email address, names as dc:creator', () => {
      const $ = cheerio.load(bodies.get('rss')!, { xml: true });
      const authors = $('item > author')
        .map((_, el) => $(el).text())
        .get();
      expect(authors).toEqual(['desk@hostile.example (Harbour Desk)']);
      expect(
        $('item > dc\\:creator')
          .map((_, el) => $(el).text())
          .get(),
      ).toEqual(expect.arrayContaining([HOSTILE_AUTHOR]));
    });

    it('keeps feed-supplied URLs out of OPML unless they are http(s)', async () => {
      const body = await (await fetch(`${stack.base}/opml`)).text();
      expect(await xmlWellFormednessErrors(body)).toEqual([]);
      expect(body).not.toMatch(/javascript:|data:/i);
      expect(body).toMatch(/<outline [^>]*xmlUrl="http:\/\/127\.0\.0\.1:\d+\/hostile\.rss"/);
    });

    it('a topic with markup in its title and description still makes valid feeds', async () => {
      for (const format of ['rss', 'atom', 'json'] as const) {
        const body = await (await fetch(`${stack.base}/feeds/harbour.${format}`)).text();
        expect(await feedValidityErrors(format, body), format).toEqual([]);
      }
    });

    function expectLinksHttp(entry: FeedparserEntry) {
      // Without an alternate link, feedparser offers the entry id as its link.
      if (entry.link !== entry.id) expect(isHttp(entry.link), entry.link ?? '').toBe(true);
      for (const link of entry.links) expect(isHttp(link.href), link.href ?? '').toBe(true);
      for (const enclosure of entry.enclosures) expect(isHttp(enclosure.href), enclosure.href ?? '').toBe(true);
      for (const link of entry.source.links) expect(isHttp(link), link).toBe(true);
      expect(isHttp(entry.source.href)).toBe(true);
    }
  },
);
