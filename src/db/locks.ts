// Every advisory lock id in one place: arbitrary constants, distinct so no two purposes ever wait on each other.

/** Held while migrating (session lock): replicas starting together migrate one at a time. */
export const MIGRATION_LOCK = 7_316_904_214;
/** Makes counting a host's leases and taking new ones atomic. */
export const CLAIM_LOCK = 7_316_904_212;
/** Serializes syncing the sources table with the config file. */
export const SYNC_SOURCES_LOCK = 7_316_904_213;
