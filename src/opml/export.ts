import type { Config } from '../config/schema.js';
import { escapeXml } from '../util/escape.js';
import { resolveUrl } from '../processor/url.js';

export interface OpmlSource {
  id: string;
  url: string;
  name?: string | null;
  siteUrl?: string | null;
  tags: readonly string[];
}

/** OPML 2.0 of the sources, with tags as categories, for feed readers to import. Only http(s) URLs are written: a
 * feed's site link comes from the feed and may be anything. */
export function renderOpml(title: string, sources: readonly OpmlSource[], now = new Date()): string {
  const outlines = sources.map((s) => {
    const attrs: [string, string | undefined][] = [
      ['type', 'rss'],
      ['text', s.name ?? s.id],
      ['title', s.name ?? s.id],
      ['xmlUrl', resolveUrl(s.url)],
      ['htmlUrl', resolveUrl(s.siteUrl ?? undefined)],
      ['category', s.tags.length > 0 ? s.tags.map((t) => `/${t}`).join(',') : undefined],
    ];
    return `    <outline ${attrs
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}="${escapeXml(v!)}"`)
      .join(' ')}/>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head>
    <title>${escapeXml(title)}</title>
    <dateCreated>${now.toUTCString()}</dateCreated>
  </head>
  <body>
${outlines.join('\n')}
  </body>
</opml>
`;
}

export function sourcesForOpml(
  config: Config,
  known: Map<string, { name: string | null; feedTitle: string | null; siteUrl: string | null }>,
): OpmlSource[] {
  return config.sources.map((s) => {
    const row = known.get(s.id);
    return {
      id: s.id,
      url: s.url,
      name: s.name ?? row?.feedTitle ?? null,
      siteUrl: row?.siteUrl ?? null,
      tags: s.tags,
    };
  });
}
