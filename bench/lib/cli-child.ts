import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';

export interface CliRun {
  code: number | null;
  ms: number;
  /** Peak resident set (VmHWM), sampled every 50 ms while it ran. */
  peakRssKiB: number;
  stdout: string;
  stderr: string;
}

const CLI = new URL('../../dist/cli.js', import.meta.url).pathname;

/** Runs the built CLI (`node dist/cli.js …`) in a child process and samples its peak RSS from /proc. */
export async function runCli(args: string[], env: Record<string, string>): Promise<CliRun> {
  const started = performance.now();
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  let peak = 0;
  const sample = async () => {
    const status = await readFile(`/proc/${child.pid}/status`, 'utf8').catch(() => '');
    const hwm = /^VmHWM:\s+(\d+) kB/m.exec(status);
    if (hwm) peak = Math.max(peak, Number(hwm[1]));
  };
  const timer = setInterval(() => void sample(), 50);
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  clearInterval(timer);
  return { code, ms: performance.now() - started, peakRssKiB: peak, stdout, stderr };
}
