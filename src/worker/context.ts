import type { Config, SourceConfig } from '../config/schema.js';
import type { Database } from '../db/client.js';
import type { Logger } from '../log.js';
import { compileTopic, type TopicMatcher } from '../topics/match.js';

/** What every stage needs: the current configuration (replaced on reload), the database, a logger. */
export interface AppContext {
  config: Config;
  configPath: string;
  database: Database;
  log: Logger;
  topics: TopicMatcher[];
  /** Identifies this process in source leases. */
  workerId: string;
  /** Lease length override (LEASE_SECONDS); derived from the timeouts otherwise. */
  leaseMs?: number;
}

export function createContext(fields: Omit<AppContext, 'topics' | 'workerId'> & { workerId?: string }): AppContext {
  return {
    ...fields,
    topics: fields.config.topics.map(compileTopic),
    workerId: fields.workerId ?? `${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
  };
}

/** Per-source settings with the file's defaults filled in. */
export interface EffectiveSource extends SourceConfig {
  interval: number;
  timeout: number;
  maxBytes: number;
  maxItems: number;
  userAgent: string;
}

export function effectiveSource(config: Config, source: SourceConfig): EffectiveSource {
  return {
    ...source,
    interval: source.interval ?? config.defaults.interval,
    timeout: source.timeout ?? config.defaults.timeout,
    maxBytes: source.maxBytes ?? config.defaults.maxBytes,
    maxItems: source.maxItems ?? config.defaults.maxItems,
    userAgent: config.defaults.userAgent,
  };
}
