import { readFileSync } from 'node:fs';
import { describe, it } from 'vitest';
import { expectGolden } from '../../test/helpers/golden.js';
import { decodeBody } from './decode.js';
import { parseFeed } from './parse.js';

// Reference input per format (test/fixtures/feeds) and what the parser makes of it (test/fixtures/golden/parsed),
// checked in: UPDATE_GOLDEN=1 rewrites the outputs after an intended change; review the diff.
const INPUTS = [
  ['rss2.xml', 'application/rss+xml; charset=utf-8'],
  ['atom.xml', 'application/atom+xml'],
  ['rss1.rdf', 'application/rdf+xml'],
  ['feed.json', 'application/feed+json'],
] as const;

describe('parsing the reference feeds', () => {
  it.each(INPUTS)('%s', async (name, contentType) => {
    const bytes = readFileSync(new URL(`../../test/fixtures/feeds/${name}`, import.meta.url));
    const feed = await parseFeed(decodeBody(bytes, contentType), contentType);
    expectGolden(`parsed/${name}.json`, `${JSON.stringify(feed, null, 2)}\n`);
  });
});
