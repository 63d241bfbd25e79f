/**
 * Real databases for integration suites: a fresh SQLite file and, when MariaDB answers, a
 * fresh MariaDB database per suite. With CI=true an unreachable MariaDB is a failure.
 *
 *   const kinds = await storeKinds();
 *   describe.each(kinds)('%s', (kind) => { const db = useStore(kind); … db.store … });
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, vi } from 'vitest';
import { openStore } from '../../src/db/open.js';
import type { Store } from '../../src/db/store.js';

export type StoreKind = 'sqlite' | 'mysql';

export const MYSQL_URL = process.env.MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';

let mysqlAvailable: Promise<boolean> | undefined;

async function probeMysql(): Promise<boolean> {
  try {
    const conn = await mysql.createConnection({ uri: MYSQL_URL, connectTimeout: 3000 });
    await conn.query('SELECT 1');
    await conn.end();
    return true;
  } catch (err) {
    if (process.env.CI === 'true') {
      throw new Error(`CI=true but MariaDB at ${MYSQL_URL} does not answer: ${(err as Error).message}`);
    }
    console.warn(`MariaDB at ${MYSQL_URL} does not answer; MySQL cases are skipped (${(err as Error).message})`);
    return false;
  }
}

/** The store kinds this run can test: always sqlite, mysql when MariaDB answers (required in CI). */
export async function storeKinds(): Promise<StoreKind[]> {
  mysqlAvailable ??= probeMysql();
  return (await mysqlAvailable) ? ['sqlite', 'mysql'] : ['sqlite'];
}

export interface FreshDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

/** A new empty database of the kind, with its URL. */
export async function freshDatabase(kind: StoreKind): Promise<FreshDatabase> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'yesgraph-test-'));
    // An empty file is an empty SQLite database; the registry accepts only files that exist.
    writeFileSync(join(dir, 'test.db'), '');
    return { url: `sqlite:${join(dir, 'test.db')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `yg_t_${randomBytes(6).toString('hex')}`;
  const admin = await mysql.createConnection({ uri: MYSQL_URL });
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  const u = new URL(MYSQL_URL);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      const c = await mysql.createConnection({ uri: MYSQL_URL });
      try {
        await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        // A failed drop must not leave its connection open: it would keep the process alive.
        await c.end();
      }
    },
  };
}

/** Opens a fresh database of the kind for the enclosing describe block; closed and dropped after. */
export function useStore(kind: StoreKind): { readonly store: Store; readonly url: string } {
  let store: Store | undefined;
  let db: FreshDatabase | undefined;
  beforeAll(async () => {
    db = await freshDatabase(kind);
    store = openStore(db.url);
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });
  return {
    get store() {
      if (!store) throw new Error('store used outside a test');
      return store;
    },
    get url() {
      if (!db) throw new Error('store used outside a test');
      return db.url;
    },
  };
}

/** Counts the statements a store sends while `fn` runs. */
export async function countStatements<T>(store: Store, fn: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
  const statements: string[] = [];
  const off = store.onStatement((r) => statements.push(r.text));
  try {
    return { result: await fn(), statements };
  } finally {
    off();
  }
}

/** The error the engine's driver raises for a lost write conflict (a deadlock; SQLite's busy). */
export function conflictError(kind: StoreKind): Error {
  return kind === 'mysql' ? Object.assign(new Error('Deadlock found'), { errno: 1213 }) : Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
}

/**
 * Runs `fn` while the store's next transaction fails with the engine's conflict error (the ones
 * after it run as usual); answers `fn`'s result and the paths of the retries the store reported.
 */
export async function withOneConflict<T>(store: Store, kind: StoreKind, fn: () => Promise<T>): Promise<{ result: T; retried: string[] }> {
  const retried: string[] = [];
  const off = store.onRetry((e) => retried.push(e.path));
  const real = store.transaction.bind(store);
  const spy = vi.spyOn(store, 'transaction').mockImplementationOnce(() => Promise.reject(conflictError(kind))).mockImplementation(real);
  try {
    return { result: await fn(), retried };
  } finally {
    spy.mockRestore();
    off();
  }
}
