/**
 * Golden SQL of a transfer: every statement `moveOnce` sends inside its transaction, in order,
 * for the seed's request (3 → 4, amount 2), recorded from an executor that answers the seed's
 * rows. SQL Server cannot run here; this is what it receives (the live suite runs the same
 * against a real server when MSSQL_URL is set).
 */
import { describe, expect, it } from 'vitest';
import type { Dialect } from '../../src/db/dialect.js';
import { mssqlDialect } from '../../src/db/mssql.js';
import { mysqlDialect } from '../../src/db/mysql.js';
import { render, type Rendered } from '../../src/db/sql.js';
import { sqliteDialect } from '../../src/db/sqlite.js';
import type { Executor, Row } from '../../src/db/store.js';
import { BusinessError } from '../../src/errors.js';
import { lockOrder, moveOnce, type TransferPlan } from '../../src/operations/transfer.js';

const seedPlan: TransferPlan = {
  table: 'TestTable',
  modelName: 'TestTable',
  accountField: 'id',
  amountField: 'quantity',
  from: { text: '3', key: 3n },
  to: { text: '4', key: 4n },
  amount: 2n,
};

/** The statements `moveOnce` sends, answered with `rows` (by account key) the way the engine would. */
async function recorded(plan: TransferPlan, dialect: Dialect, rows: Record<string, Row[]>): Promise<{ sent: Rendered[]; outcome: unknown }> {
  const sent: Rendered[] = [];
  const tx: Executor = {
    dialect,
    async query<T>(q: Parameters<Executor['query']>[0]) {
      const r = render(q, dialect);
      sent.push(r);
      const key = String(r.params[0]);
      return (rows[key] ?? []) as T[];
    },
    async execute(q) {
      sent.push(render(q, dialect));
      return { affectedRows: 1, insertId: null };
    },
  };
  const outcome = await moveOnce(tx, plan).catch((err: unknown) => (err instanceof BusinessError ? { errCode: err.code, message: err.message } : err));
  return { sent, outcome };
}

const SEED_ROWS = { '3': [{ id: 3, balance: 4 }], '4': [{ id: 4, balance: 17 }] };

describe('transfer statements', () => {
  it('sends SQL Server the whole transaction of the seed’s example', async () => {
    const { sent, outcome } = await recorded(seedPlan, mssqlDialect, SEED_ROWS);
    expect(outcome).toEqual({ from: 2n, to: 19n, amount: 2n });
    // MssqlStore.transaction begins READ COMMITTED and commits after the last one.
    expect(sent).toEqual([
      {
        text: 'SELECT [id], [quantity] AS [balance] FROM [TestTable] WITH (UPDLOCK, ROWLOCK) WHERE [id] = CAST(@p1 AS BIGINT) ORDER BY [id] OFFSET 0 ROWS FETCH NEXT 2 ROWS ONLY',
        params: ['3'],
      },
      {
        text: 'SELECT [id], [quantity] AS [balance] FROM [TestTable] WITH (UPDLOCK, ROWLOCK) WHERE [id] = CAST(@p1 AS BIGINT) ORDER BY [id] OFFSET 0 ROWS FETCH NEXT 2 ROWS ONLY',
        params: ['4'],
      },
      {
        text: 'UPDATE [TestTable] SET [quantity] = [quantity] - CAST(@p1 AS BIGINT) WHERE [id] = CAST(@p2 AS BIGINT) AND [quantity] >= CAST(@p3 AS BIGINT)',
        params: ['2', '3', '2'],
      },
      {
        text: 'UPDATE [TestTable] SET [quantity] = COALESCE([quantity], 0) + CAST(@p1 AS BIGINT) WHERE [id] = CAST(@p2 AS BIGINT)',
        params: ['2', '4'],
      },
    ]);
  });

  it('locks the lower account first, whichever side it is on', async () => {
    const back: TransferPlan = { ...seedPlan, from: seedPlan.to, to: seedPlan.from };
    expect(lockOrder(seedPlan)).toEqual(['from', 'to']);
    expect(lockOrder(back)).toEqual(['to', 'from']);
    const { sent } = await recorded(back, mssqlDialect, SEED_ROWS);
    expect(sent.map((s) => s.params)).toEqual([['3'], ['4'], ['2', '4', '2'], ['2', '3']]);
    // Integer accounts compare as numbers (9 < 10), text accounts by code units ('10' < '9').
    const nine = { text: '9', key: 9n };
    const ten = { text: '10', key: 10n };
    expect(lockOrder({ ...seedPlan, from: ten, to: nine })).toEqual(['to', 'from']);
    expect(lockOrder({ ...seedPlan, from: { text: '10', key: '10' }, to: { text: '9', key: '9' } })).toEqual(['from', 'to']);
    // An account no row can hold is not read.
    expect(lockOrder({ ...seedPlan, from: { text: 'abc', key: null } })).toEqual(['to']);
  });

  it('stops after the locks when the source holds too little, and names a missing source first', async () => {
    const low = await recorded({ ...seedPlan, amount: 5n }, mssqlDialect, SEED_ROWS);
    expect(low.outcome).toEqual({ errCode: 12, message: '转出账号数量不足' });
    expect(low.sent).toHaveLength(2);
    const missing = await recorded({ ...seedPlan, from: { text: '2', key: 2n } }, mssqlDialect, SEED_ROWS);
    expect(missing.outcome).toEqual({ errCode: 10, message: '转出账号不存在' });
    expect(missing.sent.map((s) => s.params)).toEqual([['2']]);
  });

  it('sends MySQL the same statements with exact integer casts and FOR UPDATE', async () => {
    const { sent } = await recorded(seedPlan, mysqlDialect, SEED_ROWS);
    expect(sent.map((s) => s.text)).toEqual([
      'SELECT `id`, `quantity` AS `balance` FROM `TestTable` WHERE `id` = CAST(? AS SIGNED) ORDER BY `id` LIMIT 2 OFFSET 0 FOR UPDATE',
      'SELECT `id`, `quantity` AS `balance` FROM `TestTable` WHERE `id` = CAST(? AS SIGNED) ORDER BY `id` LIMIT 2 OFFSET 0 FOR UPDATE',
      'UPDATE `TestTable` SET `quantity` = `quantity` - CAST(? AS SIGNED) WHERE `id` = CAST(? AS SIGNED) AND `quantity` >= CAST(? AS SIGNED)',
      'UPDATE `TestTable` SET `quantity` = COALESCE(`quantity`, 0) + CAST(? AS SIGNED) WHERE `id` = CAST(? AS SIGNED)',
    ]);
  });

  it('binds text accounts as text and SQLite integers as BigInts', async () => {
    const named: TransferPlan = { ...seedPlan, accountField: 'name', from: { text: 'b', key: 'b' }, to: { text: 'a', key: 'a' } };
    const { sent } = await recorded(named, sqliteDialect, { b: [{ id: 2, balance: '9223372036854775806' }], a: [{ id: 1, balance: '1' }] });
    expect(sent).toEqual([
      { text: 'SELECT "id", CAST("quantity" AS TEXT) AS "balance" FROM "TestTable" WHERE "name" = ? ORDER BY "id" LIMIT 2 OFFSET 0', params: ['a'] },
      { text: 'SELECT "id", CAST("quantity" AS TEXT) AS "balance" FROM "TestTable" WHERE "name" = ? ORDER BY "id" LIMIT 2 OFFSET 0', params: ['b'] },
      { text: 'UPDATE "TestTable" SET "quantity" = "quantity" - ? WHERE "id" = ? AND "quantity" >= ?', params: [2n, 2n, 2n] },
      { text: 'UPDATE "TestTable" SET "quantity" = COALESCE("quantity", 0) + ? WHERE "id" = ?', params: [2n, 1n] },
    ]);
  });
});
