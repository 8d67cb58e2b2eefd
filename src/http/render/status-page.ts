import { createHash } from 'node:crypto';
import { resolveUrl } from '../../processor/url.js';
import type { SourceRow } from '../../storage/sources.js';
import type { StoryView } from '../../storage/stories.js';
import { errorCategory } from '../error-category.js';
import { FEED_MEDIA_TYPES } from './mime.js';
import { escapeXml as escape } from '../../util/escape.js';
import { shortTime } from '../../util/time.js';

const FORMATS = [
  ['rss', 'RSS'],
  ['atom', 'Atom'],
  ['json', 'JSON Feed'],
] as const;

const STYLE = `
body{font:16px/1.5 system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1rem;color:#222;background:#fdfdfd}
h1{font-size:1.6rem;margin:.2rem 0}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd}
ul{padding-left:1.2rem}li{margin:.3rem 0}a{color:#0645ad}.muted{color:#666;font-size:.9rem}
.feeds a{display:inline-block;margin-right:.6rem}.table{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #eee;vertical-align:top}
.ok{color:#18794e}.failing,.gone{color:#b42318;font-weight:600}.pending,.disabled,.removed{color:#666}
@media (prefers-color-scheme:dark){body{background:#111;color:#ddd}a{color:#8ab4f8}th,td{border-color:#333}}`;

/**
 * The page runs no script and loads nothing: only its own inline stylesheet (by hash) is allowed, so markup that ever
 * slipped through escaping could still not run or phone home.
 */
export const STATUS_PAGE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export interface StatusPageData {
  title: string;
  description?: string;
  baseUrl: string;
  topics: readonly { id: string; title?: string; description?: string }[];
  stories: readonly StoryView[];
  sources: readonly StatusPageSource[];
}

export type StatusPageSource = Pick<
  SourceRow,
  | 'id'
  | 'url'
  | 'name'
  | 'feedTitle'
  | 'currentUrl'
  | 'lastError'
  | 'lastStatus'
  | 'notice'
  | 'consecutiveFailures'
  | 'lastSuccessAt'
  | 'nextFetchAt'
> & { articleCount: number; status: string };

const when = (date: Date | null) =>
  date ? `<time datetime="${date.toISOString()}">${shortTime(date)} UTC</time>` : '—';

/** A link when the URL is http(s), the text alone otherwise. */
const link = (url: string | null | undefined, text: string) => {
  const href = resolveUrl(url ?? undefined);
  return href ? `<a href="${escape(href)}">${escape(text)}</a>` : escape(text);
};

function sourceRow(s: StatusPageSource): string {
  const moved = s.currentUrl && s.currentUrl !== s.url ? `now at ${escape(s.currentUrl)}` : '';
  const error = escape(errorCategory(s.lastError, s.lastStatus) ?? '');
  return (
    `<tr><td>${link(s.currentUrl ?? s.url, s.name ?? s.feedTitle ?? s.id)}</td><td class="${s.status}">${s.status}${s.consecutiveFailures > 1 ? ` ×${s.consecutiveFailures}` : ''}</td>` +
    `<td>${when(s.lastSuccessAt)}</td><td>${when(s.nextFetchAt)}</td><td>${s.articleCount}</td><td>${[error, moved, escape(s.notice ?? '')].filter(Boolean).join(' · ')}</td></tr>`
  );
}

export function renderStatusPage(data: StatusPageData): string {
  const base = data.baseUrl;
  // Each feed with its top-stories feed (ranked by outlets that carried a story, see docs/top-stories.md).
  const feeds = [
    { id: 'all', top: 'top', title: `Everything (${data.title})`, description: 'All sources, one entry per story' },
    ...data.topics.map((t) => ({
      id: t.id,
      top: `${t.id}/top`,
      title: t.title ?? t.id,
      description: t.description ?? '',
    })),
  ];
  const alternates = feeds
    .flatMap((f) => [
      [f.id, f.title],
      [f.top, `${f.title}, top stories`],
    ])
    .flatMap(([path, title]) =>
      FORMATS.map(
        ([ext, label]) =>
          `<link rel="alternate" type="${FEED_MEDIA_TYPES[ext]}" title="${escape(`${title} (${label})`)}" href="${escape(`${base}/feeds/${path}.${ext}`)}">`,
      ),
    );
  const subscribe = (path: string) =>
    FORMATS.map(([ext, label]) => `<a href="${escape(`${base}/feeds/${path}.${ext}`)}">${label}</a>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escape(data.title)}</title>
${alternates.join('\n')}
<style>${STYLE}</style></head>
<body>
<header><h1>${escape(data.title)}</h1><p class="muted">${escape(data.description ?? 'Merged, deduplicated news feeds')}</p></header>
<section id="topics"><h2>Feeds</h2><ul>
${feeds
  .map(
    (
      f,
    ) => `<li><strong>${escape(f.title)}</strong>${f.description ? ` <span class="muted">— ${escape(f.description)}</span>` : ''}
<div class="feeds">${subscribe(f.id)}</div><div class="feeds top"><span class="muted">Top stories:</span> ${subscribe(f.top)}</div></li>`,
  )
  .join('\n')}
</ul><p class="muted"><a href="${escape(`${base}/opml`)}">OPML of all sources</a></p></section>
<section id="latest"><h2>Latest stories</h2>${
    data.stories.length === 0
      ? '<p class="muted">Nothing fetched yet.</p>'
      : `<ul>
${data.stories.map((s) => `<li>${link(s.link, s.title)} <span class="muted">${when(s.publishedAt)} · ${s.outlets.map((o) => escape(o.name)).join(', ')}</span></li>`).join('\n')}
</ul>`
  }</section>
<section id="sources"><h2>Sources</h2><div class="table"><table>
<thead><tr><th>Source</th><th>Status</th><th>Last success</th><th>Next poll</th><th>Articles</th><th>Last error</th></tr></thead><tbody>
${data.sources.map(sourceRow).join('\n')}
</tbody></table></div></section>
</body></html>`;
}
