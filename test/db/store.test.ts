import { describe, expect, it } from 'vitest';
import { ident, join, raw as sqlRaw, sql } from '../../src/db/sql.js';
import { countStatements, storeKinds, useStore } from '../support/stores.js';

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
