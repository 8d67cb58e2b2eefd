import pino, { type Logger } from 'pino';

export type { Logger };

/** JSON lines for machines; pretty output when a person is watching a terminal. */
export function createLogger(level = process.env.LOG_LEVEL ?? 'info'): Logger {
  const pretty = process.stdout.isTTY && !process.env.CI;
  return pino({
    level,
    base: undefined,
    ...(pretty ? { transport: { target: 'pino-pretty', options: { colorize: true, ignore: 'pid,hostname' } } } : {}),
  });
}

export const silentLogger = (): Logger => pino({ level: 'silent' });
