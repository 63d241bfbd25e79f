/**
 * Retrying a transaction that lost a write conflict: a deadlock or lock wait timeout on one
 * server, or a certification conflict between the nodes of a multi-primary cluster (Galera
 * answers those as deadlock 1213 at COMMIT). Such a transaction changed nothing, so running it
 * again is safe; every write path that can meet one (pop-one, transfer, task claim, the unique-id
 * sequence) goes through `retryConflicts` with its policy from `CONFLICT_RETRY`, pausing a random
 * time under an exponentially growing cap ("full jitter") so that the losers do not collide
 * again in step. After the last attempt the conflict is thrown for the caller to answer cleanly.
 *
 * Each retry is reported to the store's retry listeners (`Store.onRetry`); the runtime counts
 * them in `/metrics` as `yesgraph_write_retries_total{path}`.
 */
import type { Store } from './store.js';

export type { RetryEvent, RetryListener } from './store.js';

/** The write paths that retry conflicts: the label of each retry. */
export type RetryPath = 'pop_one' | 'transfer' | 'task_claim' | 'unique_id';

export interface RetryPolicy {
  /** Runs in all, the first included. */
  readonly attempts: number;
  /** The pause cap after the first failure; doubled after each next one, up to `capMs`. */
  readonly baseMs: number;
  readonly capMs: number;
}

/**
 * One policy per path. Pops and claims are cheap and contend the most (every caller wants the
 * head of the same queue), so they try more often; a transfer locks two rows and tries fewer
 * times before answering TRANSFER_BUSY. Pops try most: SKIP LOCKED is local to one node of a
 * multi-primary cluster, so callers on different nodes take the same head row and all but one
 * lose certification, and a caller deep in its backoff keeps losing to callers that just won.
 * Measured on three Galera nodes with 16 callers on two loaded cores (test/cluster): 10 attempts
 * under a 250 ms cap left about 1 pop in 500 without an answer, 25 under a 1 s cap about 1 in
 * 5,000; hence 40.
 */
export const CONFLICT_RETRY: Readonly<Record<RetryPath, RetryPolicy>> = {
  pop_one: { attempts: 40, baseMs: 5, capMs: 1000 },
  transfer: { attempts: 8, baseMs: 5, capMs: 250 },
  task_claim: { attempts: 10, baseMs: 5, capMs: 250 },
  unique_id: { attempts: 10, baseMs: 5, capMs: 250 },
};

/** The pause before attempt `failed + 1`: uniform in [0, min(cap, base × 2^(failed − 1))]. */
export function backoffMs(policy: RetryPolicy, failed: number, random: () => number = Math.random): number {
  return random() * Math.min(policy.capMs, policy.baseMs * 2 ** (failed - 1));
}

/**
 * Runs `fn` (which opens its own transaction on `store`) until it does not fail with the store's
 * retryable conflict, at most `policy.attempts` times. Any other error is thrown at once.
 */
export async function retryConflicts<T>(store: Store, path: RetryPath, fn: (attempt: number) => Promise<T>, policy: RetryPolicy = CONFLICT_RETRY[path]): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (attempt >= policy.attempts || !store.dialect.isRetryableConflict(error)) throw error;
      store.noteRetry({ path, attempt, error });
      await new Promise((resolve) => setTimeout(resolve, backoffMs(policy, attempt)));
    }
  }
}
