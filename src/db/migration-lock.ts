/**
 * The migration lock on a Galera cluster. GET_LOCK is local to one node, so instances starting at
 * once on different nodes would each get it and could apply one migration twice. Here the lock is
 * a row of `yg_migration_lock`, which replicates: an INSERT wins it. A concurrent INSERT on the
 * same node answers duplicate key 1062, one on another node loses certification (1213) — both
 * mean "held": wait and try again. The holder renews its lease from another connection while it
 * migrates; a row whose lease has passed (its holder died) is taken over by an UPDATE, which
 * certification lets only one node win. The row is deleted on release.
 *
 * The session that migrates reads with `wsrep_sync_wait`, so it sees every migration the
 * previous holder recorded on another node before deciding what is left to apply.
 */
import { randomHex } from '../crypto.js';
import { MIGRATION_LOCK_TIMEOUT_MS, MigrationLockTimeoutError } from './store.js';

/** How the lock sends a statement (autocommit) and learns the rows it changed. */
export type LockSql = (text: string, values?: unknown[]) => Promise<{ affectedRows?: number }>;

/** A holder that stops renewing (its process died) loses the lock after this long. */
export const MIGRATION_LEASE_MS = 60_000;
const RENEW_EVERY_MS = 10_000;
/** Pauses between attempts, jittered so that waiting instances do not collide in step. */
const WAIT_MIN_MS = 50;
const WAIT_MAX_MS = 250;
const NAME = 'migrate';

const TABLE = `CREATE TABLE IF NOT EXISTS yg_migration_lock (name VARCHAR(64) PRIMARY KEY, owner VARCHAR(64) NOT NULL, until_ms BIGINT NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`;
const NOW_MS = `CAST(UNIX_TIMESTAMP(NOW(3)) * 1000 AS SIGNED)`;
/** Duplicate key (held, seen on this node), deadlock (held, certification lost to another node), lock wait timeout. */
const HELD = new Set([1062, 1213, 1205]);

const errno = (err: unknown): number | undefined => (err as { errno?: number } | null)?.errno;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `fn` while holding the cluster-wide migration lock of the current database. `run` sends
 * the lock's statements on the session that migrates; `renew` on any other connection (a long
 * DDL statement must not delay the renewal).
 */
export async function withClusterMigrationLock<T>(run: LockSql, renew: LockSql, fn: () => Promise<T>, timeoutMs = MIGRATION_LOCK_TIMEOUT_MS): Promise<T> {
  const owner = randomHex(12);
  await run(TABLE);
  await run('SET SESSION wsrep_sync_wait = 1');
  const deadline = Date.now() + timeoutMs;
  while (!(await tryTake(run, owner))) {
    if (Date.now() >= deadline) throw new MigrationLockTimeoutError();
    await sleep(WAIT_MIN_MS + Math.random() * (WAIT_MAX_MS - WAIT_MIN_MS));
  }
  const timer = setInterval(() => {
    void renew(`UPDATE yg_migration_lock SET until_ms = ${NOW_MS} + ? WHERE name = ? AND owner = ?`, [MIGRATION_LEASE_MS, NAME, owner]).catch(() => undefined);
  }, RENEW_EVERY_MS);
  timer.unref();
  try {
    return await fn();
  } finally {
    clearInterval(timer);
    await run('DELETE FROM yg_migration_lock WHERE name = ? AND owner = ?', [NAME, owner]).catch(() =>
      // The lease ends it within MIGRATION_LEASE_MS if this session cannot.
      renew('DELETE FROM yg_migration_lock WHERE name = ? AND owner = ?', [NAME, owner]).catch(() => undefined),
    );
  }
}

/** One attempt: insert the row, or take over a row whose lease has passed. */
async function tryTake(run: LockSql, owner: string): Promise<boolean> {
  try {
    await run(`INSERT INTO yg_migration_lock (name, owner, until_ms) VALUES (?, ?, ${NOW_MS} + ?)`, [NAME, owner, MIGRATION_LEASE_MS]);
    return true;
  } catch (err) {
    if (!HELD.has(errno(err) ?? 0)) throw err;
  }
  try {
    const taken = await run(`UPDATE yg_migration_lock SET owner = ?, until_ms = ${NOW_MS} + ? WHERE name = ? AND until_ms < ${NOW_MS}`, [owner, MIGRATION_LEASE_MS, NAME]);
    return taken.affectedRows === 1;
  } catch (err) {
    if (!HELD.has(errno(err) ?? 0)) throw err;
    return false;
  }
}
