import { openDatabase } from '../db/client.js';
import { readEnv } from '../env.js';

export async function migrateCommand(): Promise<number> {
  const env = readEnv();
  const database = await openDatabase({ url: env.databaseUrl, dataDir: env.dataDir });
  try {
    await database.migrate();
    console.log(`migrations applied (${database.kind}${database.kind === 'pglite' ? ` in ${env.dataDir}` : ''})`);
    return 0;
  } finally {
    await database.close();
  }
}
