import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeBody } from '../../src/parser/decode.js';
import { parseFeed } from '../../src/parser/parse.js';
import { NotAFeedError } from '../../src/parser/types.js';
import { CORPUS_DIR, hasCorpus, missingCorpus } from './corpus.js';

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
  'node-feedparser__complexNamespaceFeed.xml': 'Atom entries under a namespace prefix',
  'node-feedparser__nondefaultnamespace.atom': 'Atom under a namespace prefix',
  'feedvalidator__system_entity.xml': 'external entity refused (XXE)',
  'feedvalidator__system_entity_http.xml': 'external entity refused (XXE)',
};

describe.skipIf(missingCorpus())('parsing the real-world corpus', () => {
  const rows = hasCorpus
    ? readFileSync(new URL('MANIFEST.tsv', CORPUS_DIR), 'utf8').trim().split('\n').slice(1).map((line) => line.split('\t'))
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
      if (count !== Number(items) && !EXPECTED_REFUSALS[file!]) mismatches.push(`${file}: manifest ${items}, got ${count}`);
    }
    expect(rows.length).toBeGreaterThan(200);
    expect(mismatches).toEqual([]);
  });
});
