/**
 * The store against a real SQL Server: runs only when MSSQL_URL is set, e.g.
 *   MSSQL_URL='mssql://sa:Passw0rd!@127.0.0.1:1433/master?trustServerCertificate=true' npm test
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MssqlStore } from '../../src/db/mssql.js';
import { ident, raw, sql } from '../../src/db/sql.js';

const url = process.env.MSSQL_URL;

describe.skipIf(!url)('SQL Server store (MSSQL_URL)', () => {
  let store: MssqlStore;
  const table = `yg_live_${Date.now()}`;
  beforeAll(async () => {
    store = new MssqlStore(url!);
    await store.execute(sql`CREATE TABLE ${ident(table)} (id INT IDENTITY(1,1) PRIMARY KEY, name NVARCHAR(50) NOT NULL, qty INT NULL)`);
  });
  afterAll(async () => {
    await store?.execute(sql`DROP TABLE IF EXISTS ${ident(table)}`);
    await store?.close();
  });

  it('writes, reads with pagination, introspects and rolls back', async () => {
    await store.execute(sql`INSERT INTO ${ident(table)} (name, qty) VALUES (${'小白'}, ${3}), (${'b'}, ${4})`);
    const rows = await store.query(sql`SELECT name, qty FROM ${ident(table)} ORDER BY id${store.dialect.limitOffset(1, 1)}`);
    expect(rows).toEqual([{ name: 'b', qty: 4 }]);
    const info = await store.columns(table);
    expect(info?.columns.map((c) => [c.name, c.kind, c.primaryKey])).toEqual([
      ['id', 'integer', true],
      ['name', 'text', false],
      ['qty', 'integer', false],
    ]);
    await expect(
      store.transaction(async (tx) => {
        await tx.execute(sql`UPDATE ${ident(table)} SET qty = ${0}`);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const [r] = await store.query<{ n: number }>(sql`SELECT SUM(qty) AS n FROM ${ident(table)}${raw('')}`);
    expect(r?.n).toBe(7);
  });
});
