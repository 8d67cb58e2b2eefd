import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPass } from '../../src/worker/pass.js';
import { FORBIDDEN, HOSTILE_HTML } from '../fixtures/hostile.js';
import { testDatabases } from '../helpers/database.js';
import { startStack, type Stack } from '../helpers/stack.js';

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

describe.each(testDatabases())('hostile HTML never reaches readers on $name', (testDb) => {
  let stack: Stack;
  let base: string;

  beforeAll(async () => {
    stack = await startStack(
      testDb,
      {
        '/rss.xml': {
          body: `<rss version="2.0"><channel><title>Hostile RSS</title><link>https://hostile.example/</link>
<item><title>&lt;script&gt;alert(100)&lt;/script&gt;Headline &lt;img src=x onerror=alert(101)&gt;</title><link>https://hostile.example/1</link><guid>1</guid>
<description>${escape(HOSTILE_HTML)}</description></item></channel></rss>`,
        },
        '/atom.xml': {
          body: `<feed xmlns="http://www.w3.org/2005/Atom"><title>Hostile Atom</title><id>urn:h</id><updated>2026-11-01T00:00:00Z</updated>
<entry><title type="html">Atom ${escape('<svg onload=alert(102)>')}entry</title><id>urn:h:1</id><link href="javascript:alert(103)"/><updated>2026-11-01T00:00:00Z</updated>
<content type="html">${escape(HOSTILE_HTML)}</content><summary type="html">${escape('<iframe src="https://evil.example/"></iframe>summary')}</summary></entry></feed>`,
        },
        '/feed.json': {
          body: JSON.stringify({
            version: 'https://jsonfeed.org/version/1.1',
            title: 'Hostile JSON',
            items: [
              {
                id: 'j1',
                url: 'https://hostile.example/j1',
                title: 'JSON entry',
                content_html: HOSTILE_HTML,
                authors: [{ name: '<script>alert(104)</script>Mallory' }],
                attachments: [{ url: 'javascript:alert(105)', mime_type: 'audio/mpeg' }],
              },
            ],
          }),
        },
      },
      (url) => `
sources:
  - { id: rss, url: "${url}/rss.xml" }
  - { id: atom, url: "${url}/atom.xml" }
  - { id: json, url: "${url}/feed.json" }
output: { baseUrl: "http://feeds.test" }
`,
    );
    ({ base } = stack);
    const { ctx } = stack;
    await runPass(ctx, { force: true });
  });

  afterAll(async () => {
    await stack?.close();
  });

  it.each(['rss', 'atom', 'json'])('in the %s output', async (format) => {
    const body = await (await fetch(`${base}/feeds/all.${format}`)).text();
    expect(body).toContain('Headline');
    expect(body).toContain('JSON entry');
    expect(body).toContain('Mallory');
    // Entity-decode once so escaped markup inside XML text nodes is checked too.
    const decoded = body
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, '&');
    for (const pattern of FORBIDDEN) expect(decoded, `${pattern} survived in ${format}`).not.toMatch(pattern);
  });

  it('on the status page', async () => {
    const html = await (await fetch(`${base}/`)).text();
    expect(html).toContain('Headline');
    expect(html).not.toMatch(/<script|onerror=|javascript:/i);
  });
});
