/**
 * Blocks of unique ids (`yg_sequence`, App.Common_UniqueId.GetUniqueId): a block is reserved by
 * moving the sequence's `next_value` inside one transaction, so two instances over one main
 * store never reserve the same ids; a reservation that loses a write conflict runs again.
 */
import { retryConflicts } from '../db/retry.js';
import { sql } from '../db/sql.js';
import type { Store } from '../db/store.js';

const SEQUENCE = 'unique_id';

/** Reserves `count` ids: answers the first; the block is first … first + count − 1. */
export async function reserveIds(store: Store, count: number): Promise<number> {
  return retryConflicts(store, 'unique_id', () => store.transaction(async (tx) => {
    const lock = tx.dialect.rowLock;
    const [row] = await tx.query<{ next_value: number | string }>(sql`SELECT next_value FROM yg_sequence${lock.hint} WHERE name = ${SEQUENCE}${lock.suffix}`);
    if (!row) throw new Error('yg_sequence has no unique_id row: the main store is not migrated');
    const first = Number(row.next_value);
    await tx.execute(sql`UPDATE yg_sequence SET next_value = ${first + count} WHERE name = ${SEQUENCE}`);
    return first;
  }));
}
