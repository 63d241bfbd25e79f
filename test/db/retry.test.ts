/**
 * Conflict retries (src/db/retry.ts): a real deadlock on MariaDB between two transactions that
 * lock two rows in opposite orders is run again until both commit, each retry reported to the
 * store's listeners; errors that are not conflicts are thrown at once; the last conflict is
 * thrown after the policy's attempts; the pause stays under its cap.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { backoffMs, CONFLICT_RETRY, retryConflicts, type RetryEvent } from '../../src/db/retry.js';
import { sql } from '../../src/db/sql.js';
import { conflictError, storeKinds, useStore } from '../support/stores.js';

const kinds = await storeKinds();

describe('backoffMs', () => {
  const policy = { attempts: 5, baseMs: 10, capMs: 50 };
  it('is full jitter under a doubling cap', () => {
    expect(backoffMs(policy, 1, () => 1)).toBe(10);
    expect(backoffMs(policy, 2, () => 1)).toBe(20);
    expect(backoffMs(policy, 3, () => 1)).toBe(40);
    expect(backoffMs(policy, 4, () => 1)).toBe(50);
    expect(backoffMs(policy, 30, () => 0.5)).toBe(25);
    expect(backoffMs(policy, 1, () => 0)).toBe(0);
  });

  it('gives every path at least a few attempts', () => {
    for (const p of Object.values(CONFLICT_RETRY)) expect(p.attempts).toBeGreaterThanOrEqual(5);
  });
});

describe.each(kinds)('retryConflicts on %s', (kind) => {
  const db = useStore(kind);
  const conflict = conflictError(kind);

  it('runs again after a conflict, telling the listeners, and answers the result', async () => {
    const seen: RetryEvent[] = [];
    const off = db.store.onRetry((e) => seen.push(e));
    let runs = 0;
    const result = await retryConflicts(db.store, 'pop_one', async (attempt) => {
      runs++;
      if (attempt < 3) throw conflict;
      return 'done';
    });
    off();
    expect(result).toBe('done');
    expect(runs).toBe(3);
    expect(seen.map((e) => [e.path, e.attempt])).toEqual([
      ['pop_one', 1],
      ['pop_one', 2],
    ]);
  });

  it('throws any other error at once, and the conflict after the last attempt', async () => {
    let runs = 0;
    await expect(
      retryConflicts(db.store, 'transfer', async () => {
        runs++;
        throw new Error('no such table');
      }),
    ).rejects.toThrow('no such table');
    expect(runs).toBe(1);
    runs = 0;
    const policy = { attempts: 4, baseMs: 1, capMs: 2 };
    await expect(
      retryConflicts(
        db.store,
        'transfer',
        async () => {
          runs++;
          throw conflict;
        },
        policy,
      ),
    ).rejects.toBe(conflict);
    expect(runs).toBe(4);
  });

  describe('with the random draw pinned', () => {
    afterEach(() => {
      vi.restoreAllMocks();
    });

    it("runs the path's own policy when none is given: every attempt, no more, a retry reported for each but the last", async () => {
      vi.spyOn(Math, 'random').mockReturnValue(0);
      for (const path of ['pop_one', 'transfer', 'task_claim', 'unique_id'] as const) {
        const seen: RetryEvent[] = [];
        const off = db.store.onRetry((e) => seen.push(e));
        let runs = 0;
        await expect(
          retryConflicts(db.store, path, async () => {
            runs++;
            throw conflict;
          }),
        ).rejects.toBe(conflict);
        off();
        expect(runs, path).toBe(CONFLICT_RETRY[path].attempts);
        expect(seen.map((e) => e.attempt)).toEqual(Array.from({ length: runs - 1 }, (_, i) => i + 1));
        expect(seen.every((e) => e.path === path && e.error === conflict)).toBe(true);
      }
    });

    it('pauses the backoff between attempts: 40 then 80 ms at the top of the draw', async () => {
      vi.spyOn(Math, 'random').mockReturnValue(1);
      const at: number[] = [];
      const started = performance.now();
      const result = await retryConflicts(
        db.store,
        'pop_one',
        async (attempt) => {
          at.push(performance.now() - started);
          if (attempt < 3) throw conflict;
          return attempt;
        },
        { attempts: 3, baseMs: 40, capMs: 1_000 },
      );
      expect(result).toBe(3);
      expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(38);
      expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(78);
    });
  });
});

describe.runIf(kinds.includes('mysql'))('a real deadlock on mysql', () => {
  const db = useStore('mysql');

  it('two transactions locking two rows in opposite orders both commit, one after a retry', async () => {
    await db.store.execute(sql`CREATE TABLE acct (id INT PRIMARY KEY, n INT NOT NULL) ENGINE=InnoDB`);
    await db.store.execute(sql`INSERT INTO acct (id, n) VALUES (1, 0), (2, 0)`);
    const seen: RetryEvent[] = [];
    db.store.onRetry((e) => seen.push(e));
    // Each holds its first row until both have one, so the second locks must cross: InnoDB picks a victim.
    let holding = 0;
    const bothHold = async () => {
      holding++;
      for (let i = 0; i < 200 && holding < 2; i++) await new Promise((r) => setTimeout(r, 5));
    };
    const move = (first: number, second: number) =>
      retryConflicts(db.store, 'transfer', (attempt) =>
        db.store.transaction(async (tx) => {
          await tx.query(sql`SELECT n FROM acct WHERE id = ${first} FOR UPDATE`);
          if (attempt === 1) await bothHold();
          await tx.query(sql`SELECT n FROM acct WHERE id = ${second} FOR UPDATE`);
          await tx.execute(sql`UPDATE acct SET n = n + 1 WHERE id IN (${first}, ${second})`);
        }),
      );
    await Promise.all([move(1, 2), move(2, 1)]);
    const rows = await db.store.query<{ n: number }>(sql`SELECT n FROM acct ORDER BY id`);
    expect(rows.map((r) => Number(r.n))).toEqual([2, 2]);
    expect(seen.length).toBeGreaterThanOrEqual(1);
    expect(seen[0]).toMatchObject({ path: 'transfer', attempt: 1, error: expect.objectContaining({ errno: 1213 }) });
  });
});
