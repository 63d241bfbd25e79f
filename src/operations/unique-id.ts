/**
 * App.Common_UniqueId.GetUniqueId: an id no other call answers, on any instance over the same
 * main store. Each instance reserves ids a block at a time (one transaction per block) and
 * hands them out from memory, so ids increase within an instance but not across instances,
 * and a restart skips the rest of a block. Every id is a positive integer below 2^53, which
 * every JSON client (JavaScript included) reads exactly.
 */
import { reserveIds } from '../records/unique-ids.js';
import type { Store } from '../db/store.js';
import type { OperationContext } from './context.js';

/** Ids reserved per transaction. */
export const UNIQUE_ID_BLOCK = 1000;

interface Pool {
  next: number;
  end: number;
  /** The reservation under way, shared by every caller waiting for it. */
  refill: Promise<void> | null;
}

const pools = new WeakMap<Store, Pool>();

export async function uniqueId(ctx: OperationContext): Promise<number> {
  let pool = pools.get(ctx.main);
  if (!pool) {
    pool = { next: 0, end: 0, refill: null };
    pools.set(ctx.main, pool);
  }
  while (pool.next >= pool.end) {
    pool.refill ??= refill(ctx.main, pool);
    await pool.refill;
  }
  const id = pool.next++;
  if (!Number.isSafeInteger(id)) throw new Error('the unique id sequence passed 2^53');
  return id;
}

async function refill(store: Store, pool: Pool): Promise<void> {
  try {
    const first = await reserveIds(store, UNIQUE_ID_BLOCK);
    pool.next = first;
    pool.end = first + UNIQUE_ID_BLOCK;
  } finally {
    pool.refill = null;
  }
}
