import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { RefreshOneResult } from './refresh-one.js';

/** One refresh in a process of its own (bench/lib/refresh-one.ts), run asynchronously so a server in this one can serve it. */
export async function refreshInChild(
  databaseUrl: string,
  id: string,
  url?: string,
  maxBytes?: string,
): Promise<RefreshOneResult> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      '--import',
      'tsx',
      new URL('./refresh-one.ts', import.meta.url).pathname,
      JSON.stringify({ databaseUrl, id, url, maxBytes }),
    ],
    { encoding: 'utf8' },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as RefreshOneResult;
}
