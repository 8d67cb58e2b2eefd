// Peak RSS of a worker refreshing a feed of a million tiny items (issue 11: 1.27 GB before; 250,000 items did not
// finish within the lease). Each refresh runs in a process of its own (bench/lib/refresh-one.ts) against a fresh
// Postgres database, next to two baselines measured in the same run: the process with its modules loaded, and the
// same refresh of a feed that has only as many items as are kept (10,000, the default maxItems).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { millionItemFeed } from '../test/fixtures/hostile.js';
import { benchDatabase, machine } from './lib/database.js';
import { refreshInChild } from './lib/refresh-in-child.js';
import type { RefreshOneResult } from './lib/refresh-one.js';

const LIMIT_MIB = 300;
const mib = (kib: number) => `${(kib / 1024).toFixed(0)} MiB`;

async function main() {
  const feeds = new Map([
    ['/million.xml', millionItemFeed(1_000_000)],
    ['/ten-thousand.xml', millionItemFeed(10_000)],
  ]);
  const server = createServer((req, res) => {
    const body = feeds.get(req.url ?? '');
    if (!body) return res.writeHead(404).end();
    res
      .writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8', 'content-length': body.length })
      .end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const database = await benchDatabase('tributary_bench_million');
  try {
    console.log(machine());
    const modules = await refreshInChild(database.url, 'baseline');
    const tenThousand = await refreshInChild(database.url, 'ten-thousand', `${base}/ten-thousand.xml`, '64MiB');
    const million = await refreshInChild(database.url, 'million', `${base}/million.xml`, '64MiB');
    const line = (label: string, r: RefreshOneResult) =>
      console.log(
        `| ${label} | ${mib(r.maxRssKiB)} | ` +
          `${(r.maxRssKiB / modules.maxRssKiB).toFixed(2)}× | ${r.ms === undefined ? '—' : `${(r.ms / 1000).toFixed(1)} s`} | ${r.ok === undefined ? '—' : r.ok ? `${r.added} stored` : r.error} |`,
      );
    console.log(
      '\n| worker process | peak RSS | vs modules loaded | refresh | outcome |\n| --- | --- | --- | --- | --- |',
    );
    line('modules loaded, nothing else', modules);
    line(
      `refresh a 10,000-item feed (${(feeds.get('/ten-thousand.xml')!.length / 2 ** 20).toFixed(1)} MiB)`,
      tenThousand,
    );
    line(
      `refresh a 1,000,000-item feed (${(feeds.get('/million.xml')!.length / 2 ** 20).toFixed(1)} MiB), newest 10,000 kept`,
      million,
    );
    console.log(
      `\nmillion-item refresh over the 10,000-item one: ${(million.maxRssKiB / tenThousand.maxRssKiB).toFixed(2)}× the peak RSS, ` +
        `${((million.ms ?? 0) / (tenThousand.ms ?? 1)).toFixed(1)}× the time`,
    );
    const ok = million.ok === true && million.added === 10_000 && million.maxRssKiB < LIMIT_MIB * 1024;
    if (!ok) {
      console.error(
        `CHECK FAILED: the million-item refresh must store 10,000 items under ${LIMIT_MIB} MiB: ${JSON.stringify(million)}`,
      );
      process.exitCode = 1;
    }
  } finally {
    await database.close();
    server.close();
  }
}

await main();
