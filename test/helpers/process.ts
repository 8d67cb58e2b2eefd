import { spawn, type ChildProcess } from 'node:child_process';

export interface RunningTributary {
  child: ChildProcess;
  /** Parsed JSON log lines so far (non-JSON lines are kept as { msg }). */
  logs: Record<string, unknown>[];
  /** Resolves with the first log line matching, or rejects after `timeoutMs`. */
  waitForLog(match: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The HTTP base URL (no trailing slash) it logged when listening on the port the OS gave it. */
  baseUrl(): Promise<string>;
  /** Kills it if still running. */
  stop(): Promise<void>;
}

/** Starts the real CLI (through tsx, no build needed) as a child process, collecting its JSON log lines. */
export function startTributary(args: string[], env: Record<string, string>): RunningTributary {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    // Port 0: several processes (workers answer /healthz and /metrics too) never collide.
    env: { ...process.env, LOG_LEVEL: 'info', CI: '1', PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  const waiters: {
    match: (line: Record<string, unknown>) => boolean;
    resolve: (line: Record<string, unknown>) => void;
  }[] = [];
  const onLine = (text: string) => {
    if (!text.trim()) return;
    let line: Record<string, unknown>;
    try {
      line = JSON.parse(text) as Record<string, unknown>;
    } catch {
      line = { msg: text };
    }
    logs.push(line);
    for (const waiter of [...waiters]) {
      if (waiter.match(line)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  };
  for (const stream of [child.stdout!, child.stderr!]) {
    let buffered = '';
    stream.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      lines.forEach(onLine);
    });
  }
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    logs,
    exited,
    waitForLog(match, timeoutMs = 30_000) {
      const seen = logs.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(
                `no matching log line within ${timeoutMs} ms; got:\n${logs.map((l) => JSON.stringify(l)).join('\n')}`,
              ),
            ),
          timeoutMs,
        );
        waiters.push({
          match,
          resolve: (line) => {
            clearTimeout(timer);
            resolve(line);
          },
        });
      });
    },
    async baseUrl() {
      const line = await this.waitForLog((l) => l.msg === 'listening');
      return String(line.url).replace(/\/$/, '').replace('//localhost:', '//127.0.0.1:');
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
