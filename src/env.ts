const seconds = (value: string | undefined, fallback: number) => {
  const n = Number(value);
  return value && Number.isFinite(n) && n > 0 ? n : fallback;
};

/** The environment variables Tributary reads, with their defaults (all documented in docs/configuration.md). */
export function readEnv(env: NodeJS.ProcessEnv = process.env) {
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: env.DATA_DIR || './data',
    configPath: env.CONFIG || 'config/sources.yaml',
    port: Number(env.PORT || 8080),
    host: env.HOST || '0.0.0.0',
    logLevel: env.LOG_LEVEL || 'info',
    /** How often the scheduler looks for due sources (1–59 s). */
    tickSeconds: Math.round(seconds(env.TICK_SECONDS, 10)),
    /** Override of the per-source lease; a crashed worker's sources are picked up after it. */
    leaseSeconds: env.LEASE_SECONDS ? seconds(env.LEASE_SECONDS, 0) : undefined,
    /** How long shutdown waits for fetches in flight before abandoning them. */
    shutdownSeconds: seconds(env.SHUTDOWN_SECONDS, 20),
    /** How often retention runs. */
    retentionMinutes: seconds(env.RETENTION_MINUTES, 60),
  };
}
