import type { Db } from '../db/client.js';

export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
/** A statement can run on the database or inside a transaction. */
export type DbOrTx = Db | Tx;
