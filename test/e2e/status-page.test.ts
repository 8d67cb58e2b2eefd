/// <reference lib="dom" />
import { existsSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { buildServer } from '../../src/http/server.js';
import { runPass } from '../../src/worker/pass.js';
import { contextFromYaml } from '../helpers/context.js';
import { testDatabases } from '../helpers/database.js';
import { startFixtureServer, type FixtureServer } from '../helpers/fixture-server.js';
import { missing } from '../helpers/requirements.js';

const CHROMIUM = '/usr/bin/chromium';

// A person's view of the status page, in a real browser. .ci/run installs Chromium (.ci/browser) before the tests.
describe.skipIf(missing('Chromium for the status-page browser test', existsSync(CHROMIUM), 'bash .ci/browser'))(
  'status page in headless Chromium',
  () => {
    let feeds: FixtureServer;
    let database: Database;
    let app: FastifyInstance;
    let browser: Browser;
    let base: string;

    beforeAll(async () => {
      feeds = await startFixtureServer({
        '/ok.xml': {
          body: `<rss version="2.0"><channel><title>Orbital Wire</title>
<item><title>NATO tests new air defence radar</title><guid>1</guid><link>https://wire.example/1</link><pubDate>Mon, 02 Nov 2026 09:00:00 GMT</pubDate><description>Radar trial.</description></item>
<item><title>Satellite reaches orbit</title><guid>2</guid><link>https://wire.example/2</link><pubDate>Sun, 01 Nov 2026 09:00:00 GMT</pubDate><description>Orbit reached.</description></item>
</channel></rss>`,
        },
        '/down.xml': { status: 502 },
      });
      database = await testDatabases()[0]!.open();
      const ctx = await contextFromYaml(
        `
sources:
  - { id: wire, name: Orbital Wire, url: "${feeds.url}/ok.xml" }
  - { id: down, name: Broken Outlet, url: "${feeds.url}/down.xml" }
topics:
  - { id: defense, title: "Defense & NATO", description: Alliance news, include: [NATO] }
  - { id: space, title: Space, include: ["orbit*", "satellite*"] }
`,
        database,
      );
      await runPass(ctx, { force: true });
      app = buildServer(() => ctx, { versionTtlMs: 0 });
      await app.listen({ port: 0, host: '127.0.0.1' });
      // No output.baseUrl: the page's links must follow the address the browser used.
      base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-quic',
          '--no-first-run',
          '--disable-component-update',
          '--disable-sync',
        ],
      });
      mkdirSync('test-results', { recursive: true });
    }, 120_000);

    afterAll(async () => {
      await browser?.close();
      await app?.close();
      await database?.close();
      await feeds?.close();
    });

    it('shows feeds with working subscribe links, the latest stories and source health', async () => {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const violations: string[] = [];
      page.on('console', (message) => {
        if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
      });
      const response = await page.goto(`${base}/`);
      expect(response?.headers()['content-security-policy']).toMatch(/^default-src 'none'; style-src 'sha256-/);
      expect(await page.title()).toBe('Tributary');
      // The stylesheet is allowed by its hash: the page is styled, and nothing was blocked.
      expect(await page.$eval('body', (b) => getComputedStyle(b).maxWidth)).toBe('960px');
      expect(violations).toEqual([]);
      const links = await page.$$eval('#topics .feeds a', (as) =>
        as.map((a) => ({ text: a.textContent, href: (a as HTMLAnchorElement).href })),
      );
      // Each feed and its top-stories feed, in three formats.
      expect(links).toHaveLength(18);
      for (const link of links) {
        const response = await page.request.get(link.href);
        expect(response.status(), link.href).toBe(200);
        expect(response.headers()['content-type']).toMatch(
          /^application\/(rss\+xml|atom\+xml|feed\+json); charset=utf-8$/,
        );
      }
      expect(await page.textContent('#topics')).toContain('Defense & NATO');
      expect(await page.$$eval('#latest li', (lis) => lis.map((li) => li.textContent ?? ''))).toEqual([
        expect.stringMatching(/^NATO tests new air defence radar .*Orbital Wire$/),
        expect.stringMatching(/^Satellite reaches orbit .*Orbital Wire$/),
      ]);
      const health = await page.$$eval('#sources tbody tr', (rows) =>
        rows.map((r) => Array.from(r.querySelectorAll('td'), (td) => td.textContent?.trim())),
      );
      expect(health.find((r) => r[0] === 'Broken Outlet')?.slice(1, 2)).toEqual(['failing']);
      expect(health.find((r) => r[0] === 'Broken Outlet')?.at(-1)).toBe('HTTP 502');
      expect(health.find((r) => r[0] === 'Orbital Wire')?.slice(1, 2)).toEqual(['ok']);
      const alternates = await page.$$eval('link[rel="alternate"]', (ls) => ls.map((l) => l.getAttribute('type')));
      expect(alternates).toHaveLength(18);
      expect(await page.$$('script')).toHaveLength(0);
      await page.screenshot({ path: 'test-results/status-desktop.png', fullPage: true });
      await page.close();
    });

    it('is readable on a phone without horizontal scrolling', async () => {
      const page = await browser.newPage({
        viewport: { width: 390, height: 844 },
        deviceScaleFactor: 2,
        isMobile: true,
      });
      await page.goto(`${base}/`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      const fontSize = await page.$eval('body', (b) => parseFloat(getComputedStyle(b).fontSize));
      expect(fontSize).toBeGreaterThanOrEqual(14);
      await page.screenshot({ path: 'test-results/status-phone.png', fullPage: true });
      await page.close();
    });
  },
);
