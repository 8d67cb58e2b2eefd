import { loadConfig } from '../config/load.js';
import { readEnv } from '../env.js';

export async function checkCommand(): Promise<number> {
  const { configPath } = readEnv();
  const result = await loadConfig(configPath);
  if (!result.ok) {
    for (const line of result.errors) console.error(line);
    console.error(`${configPath}: ${result.errors.length} problem(s) found`);
    return 1;
  }
  const { sources, topics } = result.config;
  console.log(`${configPath}: OK (${sources.length} sources, ${topics.length} topics)`);
  return 0;
}
