/**
 * Transfer on a real SQL Server: runs only when MSSQL_URL names one
 * (mssql://user:pass@host:1433/db?trustServerCertificate=true); tables are created and dropped.
 * The seed's example on both faces, the statements of test/transfer/sql.test.ts as sent, the
 * err_codes, BIGINT balances beyond 2^53, and opposite transfers at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/db/open.js';
import { ident, sql } from '../../src/db/sql.js';
import type { Store } from '../../src/db/store.js';
import { useServer } from '../support/server.js';
import { countStatements } from '../support/stores.js';
import { createTable } from '../tree/fixtures.js';
import { balances, createSeedTable, SEED_ANSWER, SEED_PARAMS, TRANSFER, type TransferResult } from './fixtures.js';

const MSSQL_URL = process.env.MSSQL_URL;
// A name ending in _<digits> would be refused.
const TABLE = `yg_transfer_p${process.pid}`;
const BIG = `yg_transfer_big_p${process.pid}`;

describe.skipIf(!MSSQL_URL)('Transfer on SQL Server', () => {
  const t = useServer('sqlite');
  let setup: Store;

  beforeAll(async () => {
    setup = openStore(MSSQL_URL!);
    for (const name of [TABLE, BIG]) await setup.execute(sql`DROP TABLE IF EXISTS ${ident(name)}`);
    await createSeedTable(setup, TABLE);
    await createTable(setup, BIG, { amt: 'BIGINT NULL' });
    await setup.execute(sql`SET IDENTITY_INSERT ${ident(BIG)} ON; INSERT INTO ${ident(BIG)} (id, amt) VALUES (1, 9223372036854775806), (2, 1); SET IDENTITY_INSERT ${ident(BIG)} OFF`);
    await t.rt.databases.add(t.app.id, 'db_test', MSSQL_URL!);
  });
  afterAll(async () => {
    for (const name of [TABLE, BIG]) await setup?.execute(sql`DROP TABLE IF EXISTS ${ident(name)}`);
    await setup?.close();
  });

  const call = (params: Record<string, string>) => t.legacy({ ...SEED_PARAMS, model_name: TABLE, ...params });
  const seedRows = () => balances(setup, TABLE, 'quantity');

  it('answers the seed’s example exactly with the golden statements, and moves it back', async () => {
    await call({ amount: '5' }); // reads the columns, which the store then caches
    const direct = (await t.rt.databases.resolve(t.app.id, 'db_test'))!.store;
    const { result, statements } = await countStatements(direct, () => call({}));
    expect(JSON.stringify(result.data)).toBe(JSON.stringify(SEED_ANSWER));
    expect(statements).toEqual([
      `SELECT [id], [quantity] AS [balance] FROM [${TABLE}] WITH (UPDLOCK, ROWLOCK) WHERE [id] = CAST(@p1 AS BIGINT) ORDER BY [id] OFFSET 0 ROWS FETCH NEXT 2 ROWS ONLY`,
      `SELECT [id], [quantity] AS [balance] FROM [${TABLE}] WITH (UPDLOCK, ROWLOCK) WHERE [id] = CAST(@p1 AS BIGINT) ORDER BY [id] OFFSET 0 ROWS FETCH NEXT 2 ROWS ONLY`,
      `UPDATE [${TABLE}] SET [quantity] = [quantity] - CAST(@p1 AS BIGINT) WHERE [id] = CAST(@p2 AS BIGINT) AND [quantity] >= CAST(@p3 AS BIGINT)`,
      `UPDATE [${TABLE}] SET [quantity] = COALESCE([quantity], 0) + CAST(@p1 AS BIGINT) WHERE [id] = CAST(@p2 AS BIGINT)`,
    ]);
    expect(await seedRows()).toEqual({ 1: '100', 3: '2', 4: '19', 5: '50' });
    const back = await t.graphql<TransferResult>(TRANSFER, { db: 'db_test', table: TABLE, accountField: 'id', from: '4', to: '3', amountField: 'quantity', amount: '2' });
    expect(back.data!.transfer.data).toEqual({ fromBalance: '17', toBalance: '4', amount: '2' });
    expect(await seedRows()).toEqual({ 1: '100', 3: '4', 4: '17', 5: '50' });
  });

  it('answers the err_codes and changes nothing', async () => {
    expect((await call({ from_account: '99' })).data).toEqual({ err_code: 10, err_msg: '转出账号不存在' });
    expect((await call({ to_account: '99' })).data).toEqual({ err_code: 20, err_msg: '转入账号不存在' });
    expect((await call({ amount: '5' })).data).toEqual({ err_code: 12, err_msg: '转出账号数量不足' });
    expect((await call({ account_field: 'name', from_account: '中文123abc' })).data).toEqual({ err_code: 11, err_msg: '转出账号不唯一' });
    expect(await seedRows()).toEqual({ 1: '100', 3: '4', 4: '17', 5: '50' });
  });

  it('keeps BIGINT balances beyond 2^53 exact', async () => {
    const env = await call({ model_name: BIG, amount_field: 'amt', from_account: '1', to_account: '2', amount: '9007199254740993' });
    expect(env.data).toEqual({ err_code: 0, err_msg: '', from_account_amout: '9214364837600034813', to_account_amout: '9007199254740994', amount: '9007199254740993' });
    expect(await balances(setup, BIG, 'amt')).toEqual({ 1: '9214364837600034813', 2: '9007199254740994' });
  });

  it('runs opposite transfers between two rows at once without a deadlock or a lost unit', async () => {
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => call(i % 2 ? { from_account: '1', to_account: '5', amount: '1' } : { from_account: '5', to_account: '1', amount: '1' })),
    );
    expect(answers.map((a) => a.data.err_code)).toEqual(Array.from({ length: 40 }, () => 0));
    expect(await seedRows()).toEqual({ 1: '100', 3: '4', 4: '17', 5: '50' });
  });
});
