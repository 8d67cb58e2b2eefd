import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeBody } from '../../src/parser/decode.js';
import { splitItems } from '../../src/parser/keep-newest.js';
import { parseFeed } from '../../src/parser/parse.js';
import { DEFAULT_MAX_ITEMS, NotAFeedError } from '../../src/parser/types.js';
import { CORPUS_DIR, corpusFiles, hasCorpus, missingCorpus } from './corpus.js';

/** Files whose item count we knowingly do not reproduce, and why. Anything else must match the manifest. */
const EXPECTED_REFUSALS: Record<string, string> = {
  'rss-parser__unrecognized.rss': 'not a feed',
  'feed-rs__atom_entry_1.xml': 'an Atom entry document, not a feed',
  'feedvalidator__pos-dcandfoaf.xml': 'RSS 1.1, not supported by rss-parser',
  'RSParser__ScriptingNews.json': 'RSS-in-JSON, not JSON Feed',
  'RSParser__allthis-partial.json': 'truncated JSON',
  'feedjira__DuplicateContentAtomFeed.xml': 'Atom wrapped in an XHTML page',
  'feedjira__ITunesWithSingleQuotedAttributes.xml': 'not well-formed XML',
  'feedjira__InvalidDateFormat.xml': 'not well-formed XML',
  'feed-rs__rss_2.0_invalid_1.xml': 'not well-formed XML',
  'node-feedparser__saxerror.xml': 'not well-formed XML',
  'node-feedparser__illegally-nested.xml': 'illegally nested items: rss-parser keeps the outer ten',
  'node-feedparser__invalid-characters-gzipped.xml': 'raw gzip bytes (a fetch inflates them by Content-Encoding)',
  'feedvalidator__system_entity.xml': 'external entity refused (XXE)',
  'feedvalidator__system_entity_http.xml': 'external entity refused (XXE)',
};

describe.skipIf(missingCorpus())('parsing the real-world corpus', () => {
  const rows = hasCorpus
    ? readFileSync(new URL('MANIFEST.tsv', CORPUS_DIR), 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map((line) => line.split('\t'))
    : [];

  it('reproduces the manifest item count for every file but the known refusals, and never crashes', async () => {
    const mismatches: string[] = [];
    for (const [file, , , , , , , items] of rows) {
      let count: number | string;
      try {
        count = (await parseFeed(decodeBody(readFileSync(new URL(file!, CORPUS_DIR))))).items.length;
      } catch (err) {
        // Refusals must be the clear NotAFeedError, never an unexpected exception.
        expect(err, file).toBeInstanceOf(NotAFeedError);
        count = `refused: ${(err as Error).message}`;
      }
      if (count !== Number(items) && !EXPECTED_REFUSALS[file!])
        mismatches.push(`${file}: manifest ${items}, got ${count}`);
      if (count === Number(items) && EXPECTED_REFUSALS[file!])
        mismatches.push(`${file}: now read, drop it from the refusals`);
    }
    expect(rows.length).toBeGreaterThan(200);
    expect(mismatches).toEqual([]);
  });

  it('gives every file the same result whichever files were parsed before it, comment-only documents between them', async () => {
    const files = corpusFiles();
    const settled = (text: string) =>
      Promise.race([
        parseFeed(text).then(
          (feed) => JSON.stringify(feed),
          (err: Error) => `${err.name}: ${err.message}`,
        ),
        new Promise<string>((resolve) => setTimeout(() => resolve('never settled'), 2000).unref()),
      ]);
    const parseAll = async (order: typeof files) => {
      const results: [string, string][] = [];
      for (const { name, bytes } of order) {
        results.push([name, await settled(decodeBody(bytes))]);
        // A document with no root element, after a good or a bad one: it left the shared parser stuck.
        results.push([`${name} + comment`, await settled('<!-- no root element -->')]);
      }
      return Object.fromEntries(results.sort(([a], [b]) => (a < b ? -1 : 1)));
    };
    const forward = await parseAll(files);
    expect(Object.keys(forward).length).toBeGreaterThan(400);
    expect(
      Object.entries(forward).filter(
        ([name, result]) => name.endsWith('+ comment') && !result.startsWith('NotAFeedError'),
      ),
    ).toEqual([]);
    expect(await parseAll([...files].reverse())).toEqual(forward);
  });

  it('gives every file the same result parsed in parts of one or two items as parsed whole', async () => {
    const outcome = (text: string, itemsPerPart?: number) =>
      parseFeed(text, '', { maxItems: DEFAULT_MAX_ITEMS, itemsPerPart }).then(
        (feed) => JSON.stringify(feed),
        (err: Error) => `${err.name}: ${err.message}`,
      );
    let several = 0;
    let split = 0;
    const differences: string[] = [];
    for (const { name, bytes } of corpusFiles()) {
      const text = decodeBody(bytes);
      const whole = await outcome(text, Number.MAX_SAFE_INTEGER);
      for (const perPart of [1, 2])
        if ((await outcome(text, perPart)) !== whole) differences.push(`${name} by ${perPart}`);
      if (
        whole.startsWith('{') &&
        (JSON.parse(whole) as { items: unknown[] }).items.length > 1 &&
        text.trimStart().startsWith('<')
      ) {
        several++;
        if (splitItems(text.trimStart(), 1)) split++;
      }
    }
    expect(differences).toEqual([]);
    // Most XML files with several items were really parsed in parts (the others fall back to one parse, see splitItems).
    console.log(`corpus: ${split} of ${several} XML files with several items parsed in parts`);
    expect(split).toBeGreaterThan(several * 0.8);
  });

  it('decodes legacy bytes that declare no charset without replacement characters', () => {
    for (const file of ['rss-parser__uolNoticias.rss', 'miniflux__no_encoding_ISO-8859-1.xml']) {
      const text = decodeBody(readFileSync(new URL(file, CORPUS_DIR)));
      expect(text, file).not.toContain('\uFFFD');
      expect(text, file).toMatch(/[àáâãçéêíóôõú]/);
    }
  });
});
