import type { FastifyInstance } from 'fastify';
import { listSources, sourceStatus } from '../../storage/sources.js';
import { queryStories } from '../../storage/stories.js';
import type { AppContext } from '../../worker/context.js';
import { escapeHtml } from '../render/html.js';

const FORMATS = [['rss', 'RSS'], ['atom', 'Atom'], ['json', 'JSON Feed']] as const;
const MIME = { rss: 'application/rss+xml', atom: 'application/atom+xml', json: 'application/feed+json' };

const when = (date: Date | null) => (date ? `<time datetime="${date.toISOString()}">${date.toISOString().replace('T', ' ').slice(0, 16)} UTC</time>` : '—');

const STYLE = `
body{font:16px/1.5 system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1rem;color:#222;background:#fdfdfd}
h1{font-size:1.6rem;margin:.2rem 0}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd}
ul{padding-left:1.2rem}li{margin:.3rem 0}a{color:#0645ad}.muted{color:#666;font-size:.9rem}
.feeds a{display:inline-block;margin-right:.6rem}.table{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #eee;vertical-align:top}
.ok{color:#18794e}.failing,.gone{color:#b42318;font-weight:600}.pending,.disabled,.removed{color:#666}
@media (prefers-color-scheme:dark){body{background:#111;color:#ddd}a{color:#8ab4f8}th,td{border-color:#333}}`;

export function registerStatusPage(app: FastifyInstance, ctx: () => AppContext): void {
  app.get('/', async (_request, reply) => {
    const { config, database } = ctx();
    const base = config.output.baseUrl;
    const [stories, sourceRows] = await Promise.all([queryStories(database.db, { limit: 20 }), listSources(database.db)]);
    const feeds = [{ id: 'all', title: `Everything (${config.output.title})`, description: 'All sources, one entry per story' },
      ...config.topics.map((t) => ({ id: t.id, title: t.title ?? t.id, description: t.description ?? '' }))];
    const alternates = feeds.flatMap((f) => FORMATS.map(([ext, label]) =>
      `<link rel="alternate" type="${MIME[ext]}" title="${escapeHtml(`${f.title} (${label})`)}" href="${escapeHtml(`${base}/feeds/${f.id}.${ext}`)}">`));
    const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(config.output.title)}</title>
${alternates.join('\n')}
<style>${STYLE}</style></head>
<body>
<header><h1>${escapeHtml(config.output.title)}</h1><p class="muted">${escapeHtml(config.output.description ?? 'Merged, deduplicated news feeds')}</p></header>
<section id="topics"><h2>Feeds</h2><ul>
${feeds.map((f) => `<li><strong>${escapeHtml(f.title)}</strong>${f.description ? ` <span class="muted">— ${escapeHtml(f.description)}</span>` : ''}
<div class="feeds">${FORMATS.map(([ext, label]) => `<a href="${escapeHtml(`${base}/feeds/${f.id}.${ext}`)}">${label}</a>`).join('')}</div></li>`).join('\n')}
</ul><p class="muted"><a href="${escapeHtml(`${base}/opml`)}">OPML of all sources</a></p></section>
<section id="latest"><h2>Latest stories</h2>${stories.length === 0 ? '<p class="muted">Nothing fetched yet.</p>' : `<ul>
${stories.map((s) => `<li><a href="${escapeHtml(s.link ?? '#')}">${escapeHtml(s.title)}</a> <span class="muted">${when(s.publishedAt)} · ${s.outlets.map((o) => escapeHtml(o.name)).join(', ')}</span></li>`).join('\n')}
</ul>`}</section>
<section id="sources"><h2>Sources</h2><div class="table"><table>
<thead><tr><th>Source</th><th>Status</th><th>Last success</th><th>Next poll</th><th>Articles</th><th>Last error</th></tr></thead><tbody>
${sourceRows.map((s) => {
  const status = sourceStatus(s);
  return `<tr><td><a href="${escapeHtml(s.currentUrl ?? s.url)}">${escapeHtml(s.name ?? s.feedTitle ?? s.id)}</a></td><td class="${status}">${status}${s.consecutiveFailures > 1 ? ` ×${s.consecutiveFailures}` : ''}</td><td>${when(s.lastSuccessAt)}</td><td>${when(s.nextFetchAt)}</td><td>${s.articleCount}</td><td>${escapeHtml(s.lastError ?? '')}${s.currentUrl && s.currentUrl !== s.url ? `${s.lastError ? ' · ' : ''}now at ${escapeHtml(s.currentUrl)}` : ''}${s.notice ? `${s.lastError || (s.currentUrl && s.currentUrl !== s.url) ? ' · ' : ''}${escapeHtml(s.notice)}` : ''}</td></tr>`;
}).join('\n')}
</tbody></table></div></section>
</body></html>`;
    return reply.type('text/html; charset=utf-8').send(html);
  });
}
