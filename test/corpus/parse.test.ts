import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeBody } from '../../src/parser/decode.js';
import { parseFeed } from '../../src/parser/parse.js';
import { NotAFeedError } from '../../src/parser/types.js';
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

  it('decodes legacy bytes that declare no charset without replacement characters', () => {
    for (const file of ['rss-parser__uolNoticias.rss', 'miniflux__no_encoding_ISO-8859-1.xml']) {
      const text = decodeBody(readFileSync(new URL(file, CORPUS_DIR)));
      expect(text, file).not.toContain('\uFFFD');
      expect(text, file).toMatch(/[àáâãçéêíóôõú]/);
    }
  });
});
