/** The environment variables of the product contract, with their defaults. */
export function readEnv(env: NodeJS.ProcessEnv = process.env) {
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: env.DATA_DIR || './data',
    configPath: env.CONFIG || 'config/sources.yaml',
    port: Number(env.PORT || 8080),
    host: env.HOST || '0.0.0.0',
    logLevel: env.LOG_LEVEL || 'info',
  };
}
