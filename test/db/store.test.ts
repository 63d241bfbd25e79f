import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openStore, parseDatabaseUrl } from '../../src/db/open.js';
import { ident, join, raw as sqlRaw, sql } from '../../src/db/sql.js';
import { countStatements, storeKinds, useStore } from '../support/stores.js';

/** A promise and the function that resolves it. */
function signal(): { promise: Promise<void>; fire: () => void } {
  let fire!: () => void;
  const promise = new Promise<void>((resolve) => (fire = resolve));
  return { promise, fire };
}

const kinds = await storeKinds();

describe.each(kinds)('store on %s', (kind) => {
  const db = useStore(kind);

  it('creates, writes, reads and introspects a table', async () => {
    const { store } = db;
    const idCol = kind === 'sqlite' ? 'INTEGER PRIMARY KEY AUTOINCREMENT' : 'INT AUTO_INCREMENT PRIMARY KEY';
    await store.execute(sql`CREATE TABLE ${ident('t_basic')} (id ${sqlRaw(idCol)}, name VARCHAR(50) NOT NULL, qty INT NULL, price DECIMAL(10,2), at DATETIME)`);
    const ins = await store.execute(sql`INSERT INTO ${ident('t_basic')} (name, qty, at) VALUES (${'小白'}, ${3}, ${'2018-12-02 11:21:27'})`);
    expect(ins.affectedRows).toBe(1);
    expect(ins.insertId).toBe(1);
    const rows = await store.query(sql`SELECT id, name, qty, at FROM ${ident('t_basic')} WHERE ${join([sql`qty = ${3}`, sql`name = ${'小白'}`], ' AND ')}`);
    expect(rows).toEqual([{ id: 1, name: '小白', qty: 3, at: '2018-12-02 11:21:27' }]);
    const info = await store.columns('t_basic');
    expect(info?.columns.map((c) => [c.name, c.kind, c.primaryKey])).toEqual([
      ['id', 'integer', true],
      ['name', 'text', false],
      ['qty', 'integer', false],
      ['price', 'decimal', false],
      ['at', 'datetime', false],
    ]);
    expect(await store.columns('no_such_table')).toBeNull();
  });

  it('caches introspection: a second look sends no statement', async () => {
    const { store } = db;
    await store.columns('t_basic');
    const { statements } = await countStatements(store, () => store.columns('t_basic'));
    expect(statements).toEqual([]);
  });

  it('rolls back a failed transaction and isolates it from other callers', async () => {
    const { store } = db;
    await expect(
      store.transaction(async (tx) => {
        await tx.execute(sql`UPDATE ${ident('t_basic')} SET qty = ${99}`);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const [row] = await store.query<{ qty: number }>(sql`SELECT qty FROM ${ident('t_basic')}`);
    expect(row?.qty).toBe(3);
  });

  it('serialises concurrent read-modify-write transactions without losing an update', async () => {
    const { store } = db;
    await store.execute(sql`UPDATE ${ident('t_basic')} SET qty = ${0}`);
    const lock = kind === 'mysql' ? sqlRaw(' FOR UPDATE') : sqlRaw('');
    await Promise.all(
      Array.from({ length: 20 }, () =>
        store.transaction(async (tx) => {
          const [r] = await tx.query<{ qty: number }>(sql`SELECT qty FROM ${ident('t_basic')} WHERE id = ${1}${lock}`);
          await tx.execute(sql`UPDATE ${ident('t_basic')} SET qty = ${Number(r!.qty) + 1} WHERE id = ${1}`);
        }),
      ),
    );
    const [row] = await store.query<{ qty: number }>(sql`SELECT qty FROM ${ident('t_basic')}`);
    expect(Number(row?.qty)).toBe(20);
  });

  it('binds hostile text as data', async () => {
    const { store } = db;
    const evil = "x'); DROP TABLE t_basic; --\\";
    await store.execute(sql`INSERT INTO ${ident('t_basic')} (name) VALUES (${evil})`);
    const rows = await store.query<{ name: string }>(sql`SELECT name FROM ${ident('t_basic')} WHERE name = ${evil}`);
    expect(rows.map((r) => r.name)).toEqual([evil]);
  });
});

describe.runIf(kinds.includes('mysql'))('mysql sessions', () => {
  const db = useStore('mysql');

  it('run READ COMMITTED, in and out of transactions, on every pooled connection', async () => {
    const level = async (q: () => Promise<Array<{ level: string }>>) => (await q())[0]!.level;
    const outside = await Promise.all(Array.from({ length: 12 }, () => level(() => db.store.query(sql`SELECT @@tx_isolation AS level`))));
    expect(new Set(outside)).toEqual(new Set(['READ-COMMITTED']));
    expect(await db.store.transaction((tx) => level(() => tx.query(sql`SELECT @@tx_isolation AS level`)))).toBe('READ-COMMITTED');
  });
});

describe.each(kinds)('migration lock on %s', (kind) => {
  const db = useStore(kind);

  it('keeps another store of the same database waiting until the holder is done', async () => {
    const other = openStore(db.url);
    try {
      const events: string[] = [];
      const entered = signal();
      const done = signal();
      const first = db.store.withMigrationLock(async () => {
        events.push('first in');
        entered.fire();
        await done.promise;
        events.push('first out');
      });
      await entered.promise;
      const second = other.withMigrationLock(async () => void events.push('second in'));
      await new Promise((resolve) => setTimeout(resolve, 300));
      events.push('released');
      done.fire();
      await Promise.all([first, second]);
      expect(events).toEqual(['first in', 'released', 'first out', 'second in']);
    } finally {
      await other.close();
    }
  });

  it('runs a script in order on one session, in one transaction where DDL is transactional', async () => {
    await expect(
      db.store.withMigrationLock(async (session) => {
        await session.runScript(['CREATE TABLE t_lock (id INT)', 'INSERT INTO t_lock (id) VALUES (7)']);
        expect(await session.query(sql`SELECT id FROM t_lock`)).toEqual([{ id: 7 }]);
        throw new Error('undo');
      }),
    ).rejects.toThrow('undo');
    expect(await db.store.columns('t_lock')).toEqual(db.store.dialect.supportsTransactionalDdl ? null : expect.anything());
  });
});

describe.each(kinds)('conflict hooks on %s, against the engine', (kind) => {
  const db = useStore(kind);

  it('a lock conflict the engine reports is a retryable conflict; other errors are not', async () => {
    const { store } = db;
    await store.execute(sql`CREATE TABLE t_conflict (id INT PRIMARY KEY, v INT NOT NULL)`);
    await store.execute(sql`INSERT INTO t_conflict (id, v) VALUES (${1}, ${0}), (${2}, ${0})`);
    let conflict: unknown;
    if (kind === 'sqlite') {
      // Another connection finds the write lock taken (SQLITE_BUSY).
      const otherConnection = new Database(parseDatabaseUrl(db.url).path!, { timeout: 0 });
      await store.transaction(async (tx) => {
        await tx.execute(sql`UPDATE t_conflict SET v = ${1} WHERE id = ${1}`);
        try {
          otherConnection.exec('BEGIN IMMEDIATE');
        } catch (err) {
          conflict = err;
        }
      });
      otherConnection.close();
      expect(conflict).toMatchObject({ code: 'SQLITE_BUSY' });
    } else {
      // Two transactions each hold the row the other wants: InnoDB aborts one (ER_LOCK_DEADLOCK).
      const a = signal();
      const b = signal();
      const results = await Promise.allSettled([
        store.transaction(async (tx) => {
          await tx.execute(sql`UPDATE t_conflict SET v = ${1} WHERE id = ${1}`);
          a.fire();
          await b.promise;
          await tx.execute(sql`UPDATE t_conflict SET v = ${1} WHERE id = ${2}`);
        }),
        store.transaction(async (tx) => {
          await a.promise;
          await tx.execute(sql`UPDATE t_conflict SET v = ${2} WHERE id = ${2}`);
          b.fire();
          await tx.execute(sql`UPDATE t_conflict SET v = ${2} WHERE id = ${1}`);
        }),
      ]);
      const failed = results.filter((r) => r.status === 'rejected');
      expect(failed).toHaveLength(1);
      conflict = (failed[0] as PromiseRejectedResult).reason;
      expect(conflict).toMatchObject({ errno: 1213 });
    }
    expect(store.dialect.isRetryableConflict(conflict)).toBe(true);
    const notAConflict = await store.query(sql`SELECT nope FROM t_conflict`).catch((err: unknown) => err);
    expect(store.dialect.isRetryableConflict(notAConflict)).toBe(false);
  });

  it('SKIP LOCKED passes over a row another transaction holds, where the dialect says it can', async () => {
    const { store } = db;
    if (!store.dialect.skipLocked) {
      await expect(store.query(sql`SELECT id FROM t_conflict FOR UPDATE SKIP LOCKED`)).rejects.toThrow('near "UPDATE": syntax error');
      return;
    }
    const held = signal();
    const done = signal();
    const holder = store.transaction(async (tx) => {
      await tx.query(sql`SELECT id FROM t_conflict WHERE id = ${1} FOR UPDATE`);
      held.fire();
      await done.promise;
    });
    await held.promise;
    const { hint, suffix } = store.dialect.skipLocked;
    const free = await store.transaction((tx) => tx.query<{ id: number }>(sql`SELECT id FROM t_conflict${hint} ORDER BY id${suffix}`));
    done.fire();
    await holder;
    expect(free).toEqual([{ id: 2 }]);
  });
});

describe('sqlite rows read as arrays', () => {
  const db = useStore('sqlite');

  /** A row as its entries (their order is the answer's) and whether its prototype is Object's. */
  const shape = (r: object) => ({ entries: Object.entries(r), plain: Object.getPrototypeOf(r) === Object.prototype });

  /** The rows better-sqlite3 answers as its own objects, on a second connection. */
  function ownRows(text: string): Array<ReturnType<typeof shape>> {
    const other = new Database(parseDatabaseUrl(db.url).path!, { readonly: true });
    try {
      return (other.prepare(text).all() as object[]).map(shape);
    } finally {
      other.close();
    }
  }

  it('answers the objects better-sqlite3 would, in column order, for every reader shape', async () => {
    const { store } = db;
    await store.execute(sql`CREATE TABLE t_rows (id INTEGER PRIMARY KEY, name VARCHAR(20), qty INT, data BLOB)`);
    await store.execute(sql`INSERT INTO t_rows (name, qty, data) VALUES (${'小白'}, ${3}, ${Buffer.from('ab')}), (${null}, ${-1}, ${null})`);
    const texts = [
      'SELECT qty, id, name, data FROM t_rows ORDER BY id',
      // A later column of the same name wins, in the first one's place.
      'SELECT id AS x, name, qty AS x FROM t_rows ORDER BY id',
      'SELECT qty * 2 AS twice, CAST(qty AS TEXT), name || \'!\' FROM t_rows ORDER BY id',
      'SELECT id FROM t_rows WHERE id < 0',
      'SELECT * FROM t_rows ORDER BY id',
      'SELECT COUNT(*) AS n FROM t_rows',
      // better-sqlite3's own objects take a BLOB named __proto__ as their prototype: so do these.
      'SELECT data AS "__proto__", id FROM t_rows ORDER BY id',
    ];
    for (const text of texts) {
      const rows = await store.query(sql`${sqlRaw(text)}`);
      expect(rows.map(shape), text).toEqual(ownRows(text));
    }
  });

  it('keeps a prepared statement right after its table changes: SELECT * gains the new column, a named list keeps its own', async () => {
    const { store } = db;
    await store.execute(sql`CREATE TABLE t_alter (id INTEGER PRIMARY KEY, name VARCHAR(20))`);
    await store.execute(sql`INSERT INTO t_alter (name) VALUES (${'a'})`);
    const all = sql`SELECT * FROM t_alter`;
    const named = sql`SELECT name, id FROM t_alter`;
    expect(await store.query(all)).toEqual([{ id: 1, name: 'a' }]);
    expect(await store.query(named)).toEqual([{ name: 'a', id: 1 }]);
    await store.execute(sql`ALTER TABLE t_alter ADD COLUMN qty INT DEFAULT 7`);
    expect((await store.query(all)).map((r) => Object.entries(r))).toEqual([[['id', 1], ['name', 'a'], ['qty', 7]]]);
    expect((await store.query(named)).map((r) => Object.entries(r))).toEqual([[['name', 'a'], ['id', 1]]]);
  });
});
