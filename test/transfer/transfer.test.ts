/**
 * Transfer on both faces over an owner's database of each available kind (SQLite, MariaDB),
 * registered as a db_mark: the seed's example, every err_code, bad input, BIGINT balances
 * beyond 2^53, the statements sent, opposite transfers at once, a deadlock retried, and (MariaDB)
 * a prepared transfer left by a dead process swept.
 */
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { md5 } from '../../src/crypto.js';
import { openStore } from '../../src/db/open.js';
import { ident, raw, sql } from '../../src/db/sql.js';
import { OutcomeUnknownError, type Store } from '../../src/db/store.js';
import type { ProtocolError } from '../../src/errors.js';
import { MAX_AMOUNT, parseAmount } from '../../src/operations/transfer.js';
import { BASE, signedParams, useServer } from '../support/server.js';
import { conflictError, countStatements, freshDatabase, type FreshDatabase, storeKinds } from '../support/stores.js';
import { createTable } from '../tree/fixtures.js';
import { balances, createSeedTable, SEED_ANSWER, SEED_PARAMS, TRANSFER, type TransferResult } from './fixtures.js';

const kinds = await storeKinds();

describe('parseAmount', () => {
  const refusal = (text: string, name?: string) => {
    try {
      parseAmount(text, name);
      return null;
    } catch (err) {
      return (err as ProtocolError).message.replace('客户端非法请求：', '');
    }
  };

  it('takes 1 through BIGINT’s maximum, signs and blanks around allowed', () => {
    expect(parseAmount('1')).toBe(1n);
    expect(parseAmount(' +42 ')).toBe(42n);
    expect(parseAmount(MAX_AMOUNT.toString())).toBe(2n ** 63n - 1n);
  });

  it('refuses 0, one past the maximum, blanks and anything but digits, naming the parameter', () => {
    expect(refusal('0')).toBe('amount应该大于或等于1, 但现在amount = 0');
    expect(refusal('-0', 'x')).toBe('x应该大于或等于1, 但现在x = 0');
    expect(refusal((MAX_AMOUNT + 1n).toString())).toBe('amount应该小于等于9223372036854775807, 但现在amount = 9223372036854775808');
    expect(refusal('  ')).toBe('缺少必要参数amount');
    for (const bad of ['1 2', 'x1', '1x', '0x10', '1_000', '++1']) expect(refusal(bad), bad).toBe(`amount应该是整数, 但现在amount = ${bad}`);
  });
});

const SEED_VARS = { db: 'db_test', table: 'TestTable', accountField: 'id', from: '3', to: '4', amountField: 'quantity', amount: '2' };
const SEED_BALANCES = { 1: '100', 3: '4', 4: '17', 5: '50' };

describe.each(kinds)('Transfer over a %s db_mark', (kind) => {
  const t = useServer(kind);
  let owner: FreshDatabase;
  let setup: Store;
  let direct: Store;

  beforeAll(async () => {
    owner = await freshDatabase(kind);
    setup = openStore(owner.url);
    await createSeedTable(setup);
    await createSeedTable(setup, 'pre_Prefixed');
    await createTable(setup, 'Dup', { name: 'VARCHAR(20) NOT NULL', amt: 'INT NOT NULL' }, [
      [1, 'dup', 10],
      [2, 'dup', 10],
      [3, 'solo', 10],
      [4, 'Alice', 10],
    ]);
    await createTable(setup, 'Big', { amt: 'BIGINT NULL' });
    await setup.execute(raw('INSERT INTO Big (id, amt) VALUES (1, 9223372036854775806), (2, 1), (3, 9223372036854775000), (4, 9007199254740990)'));
    await createTable(setup, 'Nulls', { amt: 'INT NULL' }, [
      [1, null],
      [2, 5],
    ]);
    await createTable(setup, 'Small', { amt: 'INT NOT NULL' }, [
      [1, 10],
      [2, 2147483647],
    ]);
    await createTable(setup, 'Scratch', { note: 'VARCHAR(20) NULL' });
    await t.rt.databases.add(t.app.id, 'db_test', owner.url, '', { operator: true });
    await t.rt.databases.add(t.app.id, 'db_pre', owner.url, 'pre_', { operator: true });
    direct = (await t.rt.databases.resolve(t.app.id, 'db_test'))!.store;
  });
  afterAll(async () => {
    await setup?.close();
    await owner?.drop();
  });

  const call = (params: Record<string, string>) => t.legacy({ ...SEED_PARAMS, ...params });
  const mutate = (vars: Record<string, string>) => t.graphql<TransferResult>(TRANSFER, { ...SEED_VARS, ...vars });
  const seedRows = () => balances(setup, 'TestTable', 'quantity');

  it('answers the seed’s example exactly, and moving it back restores the rows', async () => {
    const env = await call({});
    expect(env.ret).toBe(200);
    expect(JSON.stringify(env.data)).toBe(JSON.stringify(SEED_ANSWER));
    expect(env.msg).toBe('当前请求接口：App.DB_MsSQL_Data.Transfer');
    expect(await seedRows()).toEqual({ ...SEED_BALANCES, 3: '2', 4: '19' });
    const back = await call({ from_account: '4', to_account: '3' });
    expect(back.data).toEqual({ err_code: 0, err_msg: '', from_account_amout: 17, to_account_amout: 4, amount: 2 });
    expect(await seedRows()).toEqual(SEED_BALANCES);
  });

  it('gives the GraphQL face the same transfer', async () => {
    const res = await mutate({});
    expect(res.errors).toBeUndefined();
    expect(res.data!.transfer).toEqual({ __typename: 'MutationTransferSuccess', data: { fromBalance: '2', toBalance: '19', amount: '2' } });
    expect(await seedRows()).toEqual({ ...SEED_BALANCES, 3: '2', 4: '19' });
    expect((await mutate({ from: '4', to: '3' })).data!.transfer.data).toEqual({ fromBalance: '17', toBalance: '4', amount: '2' });
    expect(await seedRows()).toEqual(SEED_BALANCES);
  });

  it('answers each err_code of the seed, in order, and changes nothing', async () => {
    const cases: Array<[Record<string, string>, number, string]> = [
      [{ from_account: '99' }, 10, '转出账号不存在'],
      [{ from_account: '99', to_account: '98' }, 10, '转出账号不存在'],
      [{ from_account: 'abc' }, 10, '转出账号不存在'],
      [{ to_account: '99' }, 20, '转入账号不存在'],
      [{ to_account: '3.5' }, 20, '转入账号不存在'],
      [{ to_account: '99999999999999999999' }, 20, '转入账号不存在'],
      [{ amount: '5' }, 12, '转出账号数量不足'],
      // A missing or ambiguous target is named before a low balance.
      [{ amount: '5', to_account: '99' }, 20, '转入账号不存在'],
      [{ model_name: 'Dup', account_field: 'name', amount_field: 'amt', from_account: 'dup', to_account: 'solo' }, 11, '转出账号不唯一'],
      [{ model_name: 'Dup', account_field: 'name', amount_field: 'amt', from_account: 'solo', to_account: 'dup' }, 21, '转入账号不唯一'],
      [{ model_name: 'Dup', account_field: 'name', amount_field: 'amt', from_account: 'nobody', to_account: 'dup' }, 10, '转出账号不存在'],
    ];
    for (const [params, code, message] of cases) {
      const env = await call(params);
      expect({ params, ret: env.ret, data: env.data, msg: env.msg }).toEqual({ params, ret: 200, data: { err_code: code, err_msg: message }, msg: message });
    }
    expect(await seedRows()).toEqual(SEED_BALANCES);
    expect(await balances(setup, 'Dup', 'amt')).toEqual({ 1: '10', 2: '10', 3: '10', 4: '10' });
  });

  it('moves between rows of any account column, unique or not, when each account is one row', async () => {
    const env = await call({ model_name: 'Dup', account_field: 'name', amount_field: 'amt', from_account: 'solo', to_account: 'Alice', amount: '3' });
    expect(env.data).toEqual({ err_code: 0, err_msg: '', from_account_amout: 7, to_account_amout: 13, amount: 3 });
    await call({ model_name: 'Dup', account_field: 'name', amount_field: 'amt', from_account: 'Alice', to_account: 'solo', amount: '3' });
    expect(await balances(setup, 'Dup', 'amt')).toEqual({ 1: '10', 2: '10', 3: '10', 4: '10' });
  });

  it('refuses the same account on both sides, however it is spelled', async () => {
    const same = { err_code: 1, err_msg: '转出账号和转入账号不能是同一个账号' };
    expect((await call({ to_account: '3' })).data).toEqual(same);
    expect((await call({ to_account: '03' })).data).toEqual(same);
    expect((await call({ from_account: ' 3', to_account: '+3' })).data).toEqual(same);
    // MariaDB compares text in the column's case-insensitive collation: both name one row.
    const cased = await call({ model_name: 'Dup', account_field: 'name', amount_field: 'amt', from_account: 'alice', to_account: 'ALICE' });
    expect(cased.data).toEqual(kind === 'mysql' ? same : { err_code: 10, err_msg: '转出账号不存在' });
    expect(await seedRows()).toEqual(SEED_BALANCES);
  });

  it('needs an integer amount column, distinct from the account column, in a table with id', async () => {
    expect((await call({ amount_field: 'name' })).data).toEqual({ err_code: 1, err_msg: 'amount_field=name必须是整数类型的字段' });
    expect((await call({ amount_field: 'nope' })).data).toEqual({ err_code: 1, err_msg: '表TestTable没有字段nope' });
    expect((await call({ account_field: 'nope' })).data).toEqual({ err_code: 1, err_msg: '表TestTable没有字段nope' });
    expect((await call({ account_field: 'quantity' })).data).toEqual({ err_code: 1, err_msg: 'account_field和amount_field不能是同一个字段' });
    expect((await call({ db_mark: 'nope' })).data).toEqual({ err_code: 1, err_msg: '数据库代号db_mark=nope不存在，请先添加数据库连接配置' });
    expect((await call({ model_name: 'Nope' })).data).toEqual({ err_code: 1, err_msg: '表Nope不存在' });
    const bad = await call({ account_field: 'id; DROP TABLE TestTable' });
    expect({ ret: bad.ret, msg: bad.msg }).toEqual({ ret: 400, msg: '客户端非法请求：account_field不是合法的字段名, 但现在account_field = id; DROP TABLE TestTable' });
    expect((await call({ model_name: 'TestTable_1' })).ret).toBe(400);
    expect(await seedRows()).toEqual(SEED_BALANCES);
  });

  it('puts the db_mark’s table_prefix in front of model_name', async () => {
    expect((await call({ db_mark: 'db_pre', model_name: 'Prefixed' })).data).toEqual(SEED_ANSWER);
    expect(await balances(setup, 'pre_Prefixed', 'quantity')).toEqual({ ...SEED_BALANCES, 3: '2', 4: '19' });
  });

  it('refuses a missing, malformed or out-of-range parameter with the platform’s 400', async () => {
    const cases: Array<[Record<string, string | undefined>, string]> = [
      [{ amount: undefined }, '缺少必要参数amount'],
      [{ amount: '' }, '缺少必要参数amount'],
      [{ amount: '0' }, 'amount应该大于或等于1, 但现在amount = 0'],
      [{ amount: '-3' }, 'amount应该大于或等于1, 但现在amount = -3'],
      [{ amount: '1.5' }, 'amount应该是整数, 但现在amount = 1.5'],
      [{ amount: '2e3' }, 'amount应该是整数, 但现在amount = 2e3'],
      [{ amount: '9223372036854775808' }, 'amount应该小于等于9223372036854775807, 但现在amount = 9223372036854775808'],
      [{ amount: '1'.repeat(33) }, 'amount.len应该小于等于32, 但现在amount.len = 33'],
      [{ account_field: undefined }, '缺少必要参数account_field'],
      [{ from_account: '' }, 'from_account.len应该大于或等于1, 但现在from_account.len = 0'],
      [{ to_account: 'x'.repeat(256) }, 'to_account.len应该小于等于255, 但现在to_account.len = 256'],
    ];
    for (const [params, message] of cases) {
      const sent: Record<string, string> = {};
      for (const [k, v] of Object.entries({ ...SEED_PARAMS, ...params })) if (v !== undefined) sent[k] = v;
      const env = await t.legacy(sent);
      expect({ params, ret: env.ret, msg: env.msg, data: env.data }).toEqual({ params, ret: 400, msg: `客户端非法请求：${message}`, data: {} });
    }
    expect(await seedRows()).toEqual(SEED_BALANCES);
  });

  it('refuses the same on the GraphQL face, and answers business errors as the union', async () => {
    const zero = await mutate({ amount: '0' });
    expect(zero.errors?.[0]).toMatchObject({ message: '客户端非法请求：amount应该大于或等于1, 但现在amount = 0', extensions: { code: 'BAD_REQUEST', ret: 400 } });
    const empty = await mutate({ from: '' });
    expect(empty.errors?.[0]).toMatchObject({ message: '客户端非法请求：from.len应该大于或等于1, 但现在from.len = 0', extensions: { code: 'BAD_REQUEST', ret: 400 } });
    expect((await mutate({ amount: '5' })).data!.transfer).toEqual({ __typename: 'BusinessError', errCode: 12, message: '转出账号数量不足' });
    expect((await mutate({ to: '99' })).data!.transfer).toEqual({ __typename: 'BusinessError', errCode: 20, message: '转入账号不存在' });
    expect(await seedRows()).toEqual(SEED_BALANCES);
  });

  it('keeps BIGINT balances beyond 2^53 exact: digits as strings past 2^53 − 1, _auth over the body', async () => {
    const params = { ...SEED_PARAMS, model_name: 'Big', amount_field: 'amt', from_account: '1', to_account: '2', amount: '9007199254740993' };
    const res = await t.fetch(new Request(`${BASE}/?${signedParams(params, t.app)}`));
    const text = await res.text();
    const body = JSON.parse(text) as { data: unknown; _t: number; _auth: string };
    const dataText = text.slice(text.indexOf('"data":') + 7, text.indexOf(',"msg":'));
    expect(dataText).toBe('{"err_code":0,"err_msg":"","from_account_amout":"9214364837600034813","to_account_amout":"9007199254740994","amount":"9007199254740993"}');
    expect(body._auth).toBe(md5(dataText + String(body._t) + t.app.appSecret));
    expect(await balances(setup, 'Big', 'amt')).toEqual({ 1: '9214364837600034813', 2: '9007199254740994', 3: '9223372036854775000', 4: '9007199254740990' });

    const back = await mutate({ table: 'Big', amountField: 'amt', from: '2', to: '1', amount: '9007199254740993' });
    expect(back.data!.transfer.data).toEqual({ fromBalance: '1', toBalance: '9223372036854775806', amount: '9007199254740993' });

    // The last exact JSON number, then the first that is not.
    const edge = { model_name: 'Big', amount_field: 'amt', from_account: '1', to_account: '4', amount: '1' };
    expect((await call(edge)).data).toMatchObject({ to_account_amout: 9007199254740991 });
    expect((await call(edge)).data).toMatchObject({ to_account_amout: '9007199254740992' });

    const over = await call({ model_name: 'Big', amount_field: 'amt', from_account: '1', to_account: '3', amount: '1000' });
    expect(over.data).toEqual({ err_code: 1, err_msg: '转入后的数量超出了字段的取值范围（表Big）' });
    expect(await balances(setup, 'Big', 'amt')).toEqual({ 1: '9223372036854775804', 2: '1', 3: '9223372036854775000', 4: '9007199254740992' });
  });

  it('counts a NULL balance as 0', async () => {
    const nulls = { model_name: 'Nulls', amount_field: 'amt' };
    expect((await call({ ...nulls, from_account: '1', to_account: '2', amount: '1' })).data).toEqual({ err_code: 12, err_msg: '转出账号数量不足' });
    expect((await call({ ...nulls, from_account: '2', to_account: '1', amount: '3' })).data).toEqual({ err_code: 0, err_msg: '', from_account_amout: 2, to_account_amout: 3, amount: 3 });
    expect(await balances(setup, 'Nulls', 'amt')).toEqual({ 1: '3', 2: '2' });
  });

  it('leaves both rows as they were when the target’s column cannot hold the sum', async () => {
    const env = await call({ model_name: 'Small', amount_field: 'amt', from_account: '1', to_account: '2', amount: '1' });
    if (kind === 'mysql') {
      expect(env.data).toEqual({ err_code: 1, err_msg: '转入后的数量超出了字段的取值范围（表Small）' });
      expect(await balances(setup, 'Small', 'amt')).toEqual({ 1: '10', 2: '2147483647' });
    } else {
      // SQLite's INT is any 64-bit integer.
      expect(env.data).toMatchObject({ err_code: 0, to_account_amout: 2147483648 });
    }
  });

  it('takes every BIGINT account, moves a whole balance, fills a target to exactly BIGINT’s maximum', async () => {
    const min = '-9223372036854775808';
    const max = '9223372036854775807';
    await createTable(setup, 'Edges', { acct: 'BIGINT NOT NULL', amt: 'BIGINT NULL' });
    await setup.execute(raw(`INSERT INTO Edges (id, acct, amt) VALUES (1, ${min}, 10), (2, ${max}, 9223372036854775797), (3, 0, 5)`));
    const edges = { model_name: 'Edges', account_field: 'acct', amount_field: 'amt' };
    expect((await call({ ...edges, from_account: min, to_account: max, amount: '10' })).data).toEqual({
      err_code: 0,
      err_msg: '',
      from_account_amout: 0,
      to_account_amout: max,
      amount: 10,
    });
    expect((await call({ ...edges, from_account: '0', to_account: max, amount: '1' })).data).toEqual({ err_code: 1, err_msg: '转入后的数量超出了字段的取值范围（表Edges）' });
    expect((await call({ ...edges, from_account: '0', to_account: '9223372036854775808', amount: '1' })).data).toEqual({ err_code: 20, err_msg: '转入账号不存在' });
    expect((await call({ ...edges, from_account: '-9223372036854775809', to_account: '0', amount: '1' })).data).toEqual({ err_code: 10, err_msg: '转出账号不存在' });
    // Too low is named before out of range.
    expect((await call({ ...edges, from_account: '0', to_account: max, amount: '6' })).data).toEqual({ err_code: 12, err_msg: '转出账号数量不足' });
    expect(await balances(setup, 'Edges', 'amt')).toEqual({ 1: '0', 2: max, 3: '5' });
  });

  it('reads no second account once the first one locked is missing', async () => {
    // Account 2 does not exist and is locked first (2 < 4): the transfer stops there.
    const { result, statements } = await countStatements(direct, () => call({ from_account: '2', to_account: '4' }));
    expect(result.data).toEqual({ err_code: 10, err_msg: '转出账号不存在' });
    expect(statements.filter((q) => /AS ["`]balance["`]/.test(q))).toHaveLength(1);
  });

  it('locks the lower account first, never reads an account no row can hold, reads nothing for the same account twice', async () => {
    const locks = async (params: Record<string, string>) => {
      const seen: string[] = [];
      const off = direct.onStatement((r) => {
        if (/AS ["`]balance["`]/.test(r.text)) seen.push(String(r.params[0]));
      });
      try {
        return { data: (await call(params)).data, seen };
      } finally {
        off();
      }
    };
    expect(await locks({ from_account: '4', to_account: '3', amount: '1' })).toMatchObject({ data: { err_code: 0 }, seen: ['3', '4'] });
    expect(await locks({ from_account: '3', to_account: '4', amount: '1' })).toMatchObject({ data: { err_code: 0 }, seen: ['3', '4'] });
    const dup = { model_name: 'Dup', account_field: 'name', amount_field: 'amt', amount: '1' };
    expect(await locks({ ...dup, from_account: 'solo', to_account: 'Alice' })).toMatchObject({ data: { err_code: 0 }, seen: ['Alice', 'solo'] });
    expect(await locks({ ...dup, from_account: 'Alice', to_account: 'solo' })).toMatchObject({ data: { err_code: 0 }, seen: ['Alice', 'solo'] });
    expect(await locks({ from_account: 'abc', to_account: '4' })).toEqual({ data: { err_code: 10, err_msg: '转出账号不存在' }, seen: ['4'] });
    expect(await locks({ from_account: '4', to_account: 'abc' })).toEqual({ data: { err_code: 20, err_msg: '转入账号不存在' }, seen: ['4'] });
    expect(await locks({ from_account: '4', to_account: '99999999999999999999' })).toEqual({ data: { err_code: 20, err_msg: '转入账号不存在' }, seen: ['4'] });
    expect(await locks({ from_account: 'abc', to_account: 'xyz' })).toEqual({ data: { err_code: 10, err_msg: '转出账号不存在' }, seen: [] });
    expect(await locks({ from_account: '3', to_account: '+3' })).toEqual({ data: { err_code: 1, err_msg: '转出账号和转入账号不能是同一个账号' }, seen: [] });
    expect(await seedRows()).toEqual(SEED_BALANCES);
  });

  it('needs a table whose id is an integer column', async () => {
    await setup.execute(raw('CREATE TABLE TextId (id VARCHAR(10) PRIMARY KEY, amt INT)'));
    await setup.execute(raw('CREATE TABLE NoId (acct INT, amt INT)'));
    expect((await call({ model_name: 'TextId', amount_field: 'amt' })).data).toEqual({ err_code: 1, err_msg: '表TextId需要整数主键id' });
    expect((await call({ model_name: 'NoId', account_field: 'acct', amount_field: 'amt' })).data).toEqual({ err_code: 1, err_msg: '表NoId需要整数主键id' });
  });

  it('answers a conflict on every attempt as TRANSFER_BUSY, a lost commit as outcome unknown, any other fault as STATEMENT_FAILED', async () => {
    const conflict = conflictError(kind);
    const cases: Array<[Error, RegExp, number]> = [
      [conflict, /^数据库繁忙（死锁或锁等待超时），转账未执行，请稍后重试，错误编号：[0-9a-f-]{36}$/, 8],
      [new OutcomeUnknownError(), /^转账结果未知（提交时与数据库的连接中断），请核对两个账号的数量，错误编号：[0-9a-f-]{36}$/, 1],
      [new Error('disk full'), /^查询失败，错误编号：[0-9a-f-]{36}$/, 1],
    ];
    for (const [error, message, attempts] of cases) {
      const spy = vi.spyOn(direct, 'transactionKnownOutcome').mockRejectedValue(error);
      try {
        const env = await call({});
        expect(env.data.err_code, error.message).toBe(1);
        expect(env.data.err_msg).toMatch(message);
        expect(spy).toHaveBeenCalledTimes(attempts);
      } finally {
        spy.mockRestore();
      }
    }
    expect(await seedRows()).toEqual(SEED_BALANCES);
  });

  it('sends the lower account’s lock first, then the higher, the debit and the credit', async () => {
    await call({});
    const { result, statements } = await countStatements(direct, () => call({ from_account: '4', to_account: '3' }));
    expect(result.data.err_code).toBe(0);
    const shown = statements.map((s) => s.replace(/'yg-xa-[0-9a-z]+-[0-9a-f]+'/, "'<xid>'"));
    if (kind === 'sqlite') {
      expect(shown).toEqual([
        'SELECT "id", CAST("quantity" AS TEXT) AS "balance" FROM "TestTable" WHERE "id" = ? ORDER BY "id" LIMIT 2 OFFSET 0',
        'SELECT "id", CAST("quantity" AS TEXT) AS "balance" FROM "TestTable" WHERE "id" = ? ORDER BY "id" LIMIT 2 OFFSET 0',
        'UPDATE "TestTable" SET "quantity" = "quantity" - ? WHERE "id" = ? AND "quantity" >= ?',
        'UPDATE "TestTable" SET "quantity" = COALESCE("quantity", 0) + ? WHERE "id" = ?',
      ]);
    } else {
      expect(shown).toEqual([
        "XA START '<xid>'",
        'SELECT `id`, `quantity` AS `balance` FROM `TestTable` WHERE `id` = CAST(? AS SIGNED) ORDER BY `id` LIMIT 2 OFFSET 0 FOR UPDATE',
        'SELECT `id`, `quantity` AS `balance` FROM `TestTable` WHERE `id` = CAST(? AS SIGNED) ORDER BY `id` LIMIT 2 OFFSET 0 FOR UPDATE',
        'UPDATE `TestTable` SET `quantity` = `quantity` - CAST(? AS SIGNED) WHERE `id` = CAST(? AS SIGNED) AND `quantity` >= CAST(? AS SIGNED)',
        'UPDATE `TestTable` SET `quantity` = COALESCE(`quantity`, 0) + CAST(? AS SIGNED) WHERE `id` = CAST(? AS SIGNED)',
        "XA END '<xid>'",
        "XA PREPARE '<xid>'",
        "XA COMMIT '<xid>'",
      ]);
    }
    expect(await seedRows()).toEqual(SEED_BALANCES);
  });

  it('runs opposite transfers between two rows at once without a deadlock or a lost unit', async () => {
    const calls = Array.from({ length: 40 }, (_, i) =>
      i % 2
        ? call({ from_account: '1', to_account: '5', amount: '1' }).then((env) => env.data.err_code)
        : mutate({ from: '5', to: '1', amount: '1' }).then((r) => r.data?.transfer.__typename),
    );
    const answers = await Promise.all(calls);
    expect(answers).toEqual(Array.from({ length: 40 }, (_, i) => (i % 2 ? 0 : 'MutationTransferSuccess')));
    expect(await seedRows()).toEqual(SEED_BALANCES);
  });

  it.runIf(kind === 'mysql')('retries a transfer chosen as a deadlock victim, and it then succeeds once', async () => {
    const admin = await mysql.createConnection(owner.url);
    try {
      await admin.query('START TRANSACTION');
      // Rows written make this transaction the heavier one: InnoDB rolls back the transfer.
      await admin.query(`INSERT INTO Scratch (note) VALUES ${Array.from({ length: 50 }, () => "('x')").join(', ')}`);
      await admin.query('SELECT id FROM TestTable WHERE id = 5 FOR UPDATE');
      const locks: string[] = [];
      let waiting: () => void = () => undefined;
      const lockedOne = new Promise<void>((resolve) => (waiting = resolve));
      const off = direct.onStatement((r) => {
        if (!r.text.includes('FOR UPDATE')) return;
        locks.push(String(r.params[0]));
        // Row 1 is held and the transfer asks for row 5, which this transaction holds.
        if (locks.length === 2) waiting();
      });
      const pending = call({ from_account: '1', to_account: '5', amount: '1' });
      await lockedOne;
      await admin.query('SELECT id FROM TestTable WHERE id = 1 FOR UPDATE');
      await admin.query('ROLLBACK');
      const env = await pending;
      off();
      expect(env.data).toEqual({ err_code: 0, err_msg: '', from_account_amout: 99, to_account_amout: 51, amount: 1 });
      expect(locks).toEqual(['1', '5', '1', '5']);
      expect(await seedRows()).toEqual({ ...SEED_BALANCES, 1: '99', 5: '51' });
      await call({ from_account: '5', to_account: '1', amount: '1' });
    } finally {
      await admin.end();
    }
  });

  it.runIf(kind === 'mysql')('commits a prepared transfer its process left behind, once it is old enough', async () => {
    await createTable(setup, 'Orphan', { amt: 'INT NOT NULL' }, [
      [1, 0],
      [2, 0],
    ]);
    const minute = Math.floor(Date.now() / 60_000);
    // What a process that died between PREPARE and COMMIT leaves: a detached prepared branch.
    const leave = async (xid: string, id: number) => {
      const conn = await mysql.createConnection(owner.url);
      await conn.query(`XA START '${xid}'`);
      await conn.query('UPDATE Orphan SET amt = 7 WHERE id = ?', [id]);
      await conn.query(`XA END '${xid}'`);
      await conn.query(`XA PREPARE '${xid}'`);
      await conn.end();
    };
    const old = `yg-xa-${(minute - 10).toString(36)}-4000000001`;
    const young = `yg-xa-${minute.toString(36)}-4000000002`;
    await leave(old, 1);
    await leave(young, 2);
    const admin = await mysql.createConnection(owner.url);
    const prepared = async () => ((await admin.query('XA RECOVER'))[0] as Array<{ data: Buffer }>).map((r) => r.data.toString());
    try {
      expect(await prepared()).toEqual(expect.arrayContaining([old, young]));
      // A new db_mark is a new pool: its first transfer starts a sweep.
      await t.rt.databases.add(t.app.id, 'db_sweep', owner.url, '', { operator: true });
      expect((await call({ db_mark: 'db_sweep', from_account: '1', to_account: '5', amount: '1' })).data.err_code).toBe(0);
      for (let i = 0; i < 100 && (await prepared()).includes(old); i++) await new Promise((r) => setTimeout(r, 20));
      const left = await prepared();
      expect([left.includes(old), left.includes(young)]).toEqual([false, true]);
      expect(await balances(setup, 'Orphan', 'amt')).toEqual({ 1: '7', 2: '0' });
    } finally {
      await admin.query(`XA ROLLBACK '${young}'`).catch(() => undefined);
      await admin.end();
      await call({ from_account: '5', to_account: '1', amount: '1' });
    }
  });

  it.runIf(kind === 'sqlite')('refuses a stored value that is not an integer (SQLite keeps whatever it is given)', async () => {
    await setup.execute(sql`CREATE TABLE ${ident('Loose')} (id INTEGER PRIMARY KEY, amt INTEGER)`);
    await setup.execute(raw(`INSERT INTO Loose (id, amt) VALUES (1, 1.5), (2, 'ten'), (3, 4)`));
    const loose = { model_name: 'Loose', amount_field: 'amt', to_account: '3', amount: '1' };
    expect((await call({ ...loose, from_account: '1' })).data).toEqual({ err_code: 1, err_msg: '表Loose中账号的amt不是整数' });
    expect((await call({ ...loose, from_account: '2' })).data).toEqual({ err_code: 1, err_msg: '表Loose中账号的amt不是整数' });
    // An INTEGER column that is no primary key keeps text too: an id that is not an integer is refused.
    await setup.execute(sql`CREATE TABLE ${ident('LooseId')} (id INTEGER, acct INTEGER, amt INTEGER)`);
    await setup.execute(raw(`INSERT INTO LooseId (id, acct, amt) VALUES ('a', 1, 5), (2, 2, 5)`));
    const looseId = { model_name: 'LooseId', account_field: 'acct', amount_field: 'amt', amount: '1' };
    expect((await call({ ...looseId, from_account: '1', to_account: '2' })).data).toEqual({ err_code: 1, err_msg: '表LooseId需要整数主键id' });
    expect((await call({ ...looseId, from_account: '2', to_account: '1' })).data).toEqual({ err_code: 1, err_msg: '表LooseId需要整数主键id' });
  });
});
