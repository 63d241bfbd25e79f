/**
 * MySQL/MariaDB transactions whose outcome a caller can trust (Store.transactionKnownOutcome).
 * A connection killed while COMMIT runs often commits and still answers an error, so such a
 * transaction is an XA transaction: once `XA PREPARE` has answered, the decision is "commit" and
 * it is durable, so a failure after it is settled by committing the prepared transaction from
 * another connection (after making sure the old session is gone). A failure before PREPARE was
 * sent cannot have committed; a PREPARE sent but unanswered is settled the same way: committing
 * it succeeds exactly when it was prepared. A process that dies between PREPARE and COMMIT
 * leaves a prepared transaction holding its row locks: a sweep commits such orphans.
 */
import type { Logger } from '../logger.js';
import { raw, sql } from './sql.js';
import { OutcomeUnknownError, type Executor, type Store } from './store.js';

/**
 * `yg-xa-<minute, base 36>-<session id>`: unique while the session lives (a session runs one
 * transaction at a time, and ids are not reused), the same text for every transaction of a
 * session within a minute (mysql2 prepares each text once per connection), and its minute tells
 * a sweep how old it is.
 */
const XID = /^yg-xa-([0-9a-z]+)-(\d+)$/;
const minute = (ms: number) => Math.floor(ms / 60_000);
/** Prepared transactions this many minutes old are orphans (their process died): a sweep commits them. */
const ORPHAN_MINUTES = 3;
/** A failure is settled within this time, or answered as OutcomeUnknownError. */
const SETTLE_MS = 10_000;
/** Nor is it settled once a sweep may decide it too: the sweep's commit would read as "never prepared". */
const SETTLE_BEFORE_MS = (ORPHAN_MINUTES - 1) * 60_000 - SETTLE_MS;
const SWEEP_EVERY_MS = 60_000;
/** MySQL error numbers the settling reads: XAER_NOTA (no such xid), unknown thread id. */
const XAER_NOTA = 1397;
const NO_SUCH_THREAD = 1094;

const errno = (err: unknown): number | undefined => (err as { errno?: number } | null)?.errno;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `body` on one pooled connection, given its server thread id (the store provides it). */
export type OnSession = <R>(body: (tx: Executor, threadId: number) => Promise<R>) => Promise<R>;

export async function xaTransaction<T>(store: Store, onSession: OnSession, log: Logger, fn: (tx: Executor) => Promise<T>): Promise<T> {
  sweepSometimes(store, log);
  const born = Date.now();
  // Written inside the callback, read after it fails.
  const state: { session: number | null; xid: string; stage: 'work' | 'preparing' | 'prepared'; stuck: boolean; done: { readonly value: T } | null } = {
    session: null,
    xid: '',
    stage: 'work',
    stuck: false,
    done: null,
  };
  try {
    // No local transaction around it: a connection is in an XA transaction or a local one.
    return await onSession(async (tx, threadId) => {
      state.session = threadId;
      const xid = (state.xid = `'yg-xa-${minute(born).toString(36)}-${state.session}'`);
      await tx.execute(raw(`XA START ${xid}`));
      try {
        state.done = { value: await fn(tx) };
        await tx.execute(raw(`XA END ${xid}`));
      } catch (err) {
        // After a deadlock the branch is ROLLBACK ONLY and XA END refuses; XA ROLLBACK still ends it.
        await tx.execute(raw(`XA END ${xid}`)).catch(() => undefined);
        await tx.execute(raw(`XA ROLLBACK ${xid}`)).catch(() => (state.stuck = true));
        throw err;
      }
      state.stage = 'preparing';
      await tx.execute(raw(`XA PREPARE ${xid}`));
      state.stage = 'prepared';
      await tx.execute(raw(`XA COMMIT ${xid}`));
      return state.done.value;
    });
  } catch (err) {
    const { session, xid, stage, stuck, done } = state;
    if (stage === 'work') {
      // A session whose XA branch could not be ended must not serve another request.
      if (stuck && session !== null) await killSession(store, session).catch(() => undefined);
      throw err;
    }
    if (done && (await settle(store, xid, session!, stage === 'prepared', born))) return done.value;
    throw err;
  }
}

/**
 * Whether the transaction `xid` committed, after its connection failed at or after PREPARE:
 * the old session is ended and waited for, then the prepared transaction is committed from here.
 * No such xid means it was committed before, if PREPARE had answered, or never prepared.
 */
async function settle(store: Store, xid: string, session: number, prepared: boolean, born: number): Promise<boolean> {
  const deadline = Math.min(Date.now() + SETTLE_MS, born + SETTLE_BEFORE_MS);
  let cause: unknown;
  for (let pause = 5; Date.now() < deadline; pause = Math.min(pause * 2, 200)) {
    try {
      await killSession(store, session);
      await untilGone(store, session, deadline);
      try {
        await store.execute(raw(`XA COMMIT ${xid}`));
        return true;
      } catch (err) {
        if (errno(err) === XAER_NOTA) return prepared;
        throw err;
      }
    } catch (err) {
      cause = err;
      await sleep(pause);
    }
  }
  throw new OutcomeUnknownError({ cause });
}

async function killSession(store: Store, session: number): Promise<void> {
  await store.execute(sql`KILL ${session}`).catch((err: unknown) => {
    if (errno(err) !== NO_SUCH_THREAD) throw err;
  });
}

async function untilGone(store: Store, session: number, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    const [row] = await store.query<{ n: unknown }>(sql`SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE ID = ${session}`);
    if (Number(row!.n) === 0) return;
    await sleep(10);
  }
  throw new Error(`session ${session} did not end`);
}

const lastSweep = new WeakMap<Store, number>();

/**
 * Commits yesgraph's prepared transactions left by a process that died between PREPARE and
 * COMMIT (they hold their row locks until someone decides them). Only orphans old enough that
 * no live process is still settling them are touched; committing is their decided outcome.
 */
function sweepSometimes(store: Store, log: Logger): void {
  const now = Date.now();
  if (now - (lastSweep.get(store) ?? 0) < SWEEP_EVERY_MS) return;
  lastSweep.set(store, now);
  void sweep(store, now).catch((err: unknown) => log.warn({ err }, 'sweep of prepared XA transactions failed'));
}

async function sweep(store: Store, now: number): Promise<void> {
  const rows = await store.query<{ data: unknown; bqual_length: unknown }>(raw('XA RECOVER'));
  for (const row of rows) {
    const xid = Buffer.isBuffer(row.data) ? row.data.toString('latin1') : String(row.data);
    const m = XID.exec(xid);
    if (!m || Number(row.bqual_length) !== 0 || minute(now) - parseInt(m[1]!, 36) < ORPHAN_MINUTES) continue;
    await store.execute(raw(`XA COMMIT '${xid}'`)).catch(() => undefined);
  }
}
