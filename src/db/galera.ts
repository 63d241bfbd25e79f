/**
 * What changes when the MySQL-compatible main store (or a db_mark) is a node of a Galera cluster:
 * how to tell, and a transaction whose outcome a caller can trust without XA.
 *
 * MariaDB refuses XA transactions under Galera replication (error 1235), so `mysql-xa.ts` cannot
 * serve there. Galera decides a transaction at COMMIT by certification: a transaction that loses
 * answers deadlock 1213 and was rolled back on every node (a retryable conflict, src/db/retry.ts);
 * one that wins is committed. Only a COMMIT that answers nothing (connection lost, node killed)
 * leaves the outcome open, and that is answered as OutcomeUnknownError, never as "not moved".
 */
import type mysql from 'mysql2/promise';
import { OutcomeUnknownError } from './store.js';

/** Deadlock: how Galera answers a transaction that lost certification at COMMIT. */
const CERTIFICATION_FAILED = 1213;

/** A connection's server is a Galera node with replication on (`wsrep_on`). False on MySQL, which has no such variable. */
export async function isGaleraNode(conn: Pick<mysql.PoolConnection, 'query'>): Promise<boolean> {
  const [rows] = await conn.query(`SHOW VARIABLES LIKE 'wsrep_on'`);
  const value = (rows as Array<{ Value?: string }>)[0]?.Value;
  return value?.toUpperCase() === 'ON';
}

/**
 * `body` in a plain transaction on `conn`. A failure before COMMIT rolls back and is thrown as is;
 * a certification failure at COMMIT is thrown as is (nothing committed, the caller may retry);
 * any other failure at COMMIT is OutcomeUnknownError (and `conn` should not be reused).
 */
export async function galeraKnownOutcome<T>(conn: mysql.PoolConnection, body: () => Promise<T>): Promise<T> {
  await conn.beginTransaction();
  let result: T;
  try {
    result = await body();
  } catch (err) {
    await conn.rollback().catch(() => undefined);
    throw err;
  }
  try {
    await conn.commit();
  } catch (err) {
    if ((err as { errno?: number })?.errno === CERTIFICATION_FAILED) throw err;
    throw new OutcomeUnknownError({ cause: err });
  }
  return result;
}
