/**
 * Registering an owner's database: App.DB_MsSQL_Config.AddNewDatabaseConfig and the GraphQL
 * `addDatabase`/`databases`. API callers reach MariaDB here (SQLite is the operator's).
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/db/open.js';
import { addDatabase } from '../../src/operations/databases.js';
import { loaderMemo } from '../../src/operations/context.js';
import { BusinessError } from '../../src/errors.js';
import { useServer } from '../support/server.js';
import { freshDatabase, storeKinds, type FreshDatabase } from '../support/stores.js';
import { createSeedTable, SEED_LEVEL_ONE } from './fixtures.js';

const kinds = await storeKinds();
const hasMysql = kinds.includes('mysql');
const PASSWORD = 'S3cret-pa55:w/@rd';

const ADD = `mutation Add($dbMark: String!, $engine: RemoteEngine!, $host: String!, $port: Int, $user: String!, $password: String, $name: String!, $tablePrefix: String) {
  addDatabase(dbMark: $dbMark, engine: $engine, host: $host, port: $port, user: $user, password: $password, name: $name, tablePrefix: $tablePrefix) {
    __typename
    ... on MutationAddDatabaseSuccess { data { dbMark engine tablePrefix } }
    ... on BusinessError { errCode message }
  }
}`;

describe.each(kinds)('registering databases (main store on %s)', (kind) => {
  const t = useServer(kind);
  let owner: FreshDatabase | undefined;
  let fields: Record<string, string>;

  beforeAll(async () => {
    if (!hasMysql) return;
    owner = await freshDatabase('mysql');
    const setup = openStore(owner.url);
    await createSeedTable(setup);
    await setup.close();
    const u = new URL(owner.url);
    fields = {
      db_type: 'mysql',
      db_host: u.hostname,
      db_port: u.port || '3306',
      db_user: decodeURIComponent(u.username),
      db_password: decodeURIComponent(u.password),
      db_name: u.pathname.slice(1),
    };
  });
  afterAll(async () => {
    await owner?.drop();
  });

  const add = (params: Record<string, string | number>) => t.legacy({ s: 'App.DB_MsSQL_Config.AddNewDatabaseConfig', ...params });

  it.skipIf(!hasMysql)('registers a MariaDB database that FreeTree then reads', async () => {
    const env = await add({ db_mark: 'db_test', ...fields });
    expect(env.ret).toBe(200);
    expect(env.data).toEqual({ err_code: 0, err_msg: '', db_mark: 'db_test', db_type: 'mysql', table_prefix: '' });
    const tree = await t.legacy({
      s: 'App.DB_MsSQL_Data.FreeTree',
      model_name: 'TestTable',
      db_mark: 'db_test',
      where: '[["id", ">=", "1"]]',
      order: '["id DESC"]',
    });
    expect(JSON.stringify(tree.data)).toBe(JSON.stringify(SEED_LEVEL_ONE));
  });

  it.skipIf(!hasMysql)('refuses a db_mark the app already has (err_code 1), on both faces', async () => {
    const env = await add({ db_mark: 'db_test', ...fields });
    expect(env.data.err_code).toBe(1);
    expect(env.data.err_msg).toContain('db_mark db_test is already registered');
    const gql = await t.graphql(ADD, { dbMark: 'db_test', engine: 'MYSQL', host: fields.db_host, port: Number(fields.db_port), user: fields.db_user, name: fields.db_name });
    expect(gql.data?.addDatabase).toMatchObject({ __typename: 'BusinessError', errCode: 1 });
  });

  it.skipIf(!hasMysql)('keeps one app’s db_marks invisible to another', async () => {
    const other = await t.newApp();
    const gql = await t.graphql(ADD, { dbMark: 'db_test', engine: 'MYSQL', host: fields.db_host, port: Number(fields.db_port), user: fields.db_user, name: fields.db_name, tablePrefix: 'x_' }, { app: other });
    expect(gql.data?.addDatabase).toEqual({ __typename: 'MutationAddDatabaseSuccess', data: { dbMark: 'db_test', engine: 'MYSQL', tablePrefix: 'x_' } });
    const mine = await t.graphql<{ databases: unknown[] }>('{ databases { dbMark engine tablePrefix } }');
    const theirs = await t.graphql<{ databases: unknown[] }>('{ databases { dbMark engine tablePrefix } }', {}, { app: other });
    expect(mine.data?.databases).toEqual([{ dbMark: 'db_test', engine: 'MYSQL', tablePrefix: '' }]);
    expect(theirs.data?.databases).toEqual([{ dbMark: 'db_test', engine: 'MYSQL', tablePrefix: 'x_' }]);
  });

  it('tries the connection first and never shows or logs the password', async () => {
    const params = { db_mark: 'db_down', db_type: 'mysql', db_host: '127.0.0.1', db_port: 1, db_user: 'someone', db_password: PASSWORD, db_name: 'x' };
    const env = await add(params);
    expect(env.data.err_code).toBe(1);
    expect(env.data.err_msg).toMatch(/^添加数据库连接配置失败：无法连接该数据库，或不允许登记该数据库，错误编号：[0-9a-f-]{36}$/);
    const gql = await t.graphql(ADD, { dbMark: 'db_down', engine: 'MSSQL', host: '127.0.0.1', port: 1, user: 'sa', password: PASSWORD, name: 'x' });
    expect(gql.data?.addDatabase).toMatchObject({ __typename: 'BusinessError', errCode: 1 });

    const lines: string[] = [];
    const log = pino({ level: 'trace' }, new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }));
    const ctx = { app: t.app, member: null, main: t.rt.main, databases: t.rt.databases, log, taskChanges: t.rt.context(t.app, null).taskChanges, loader: loaderMemo() };
    await expect(addDatabase(ctx, { dbMark: 'db_down', engine: 'mysql', host: '127.0.0.1', port: 1, user: 'someone', password: PASSWORD, name: 'x', tablePrefix: '' })).rejects.toBeInstanceOf(BusinessError);
    for (const text of [JSON.stringify(env), JSON.stringify(gql), ...lines]) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(encodeURIComponent(PASSWORD));
    }
    expect(await t.rt.databases.list(t.app.id)).not.toContainEqual(expect.objectContaining({ dbMark: 'db_down' }));
  });

  it('refuses SQLite and malformed fields with a 400, before connecting', async () => {
    const sqlite = await add({ db_mark: 'db_x', db_type: 'sqlite', db_host: 'localhost', db_user: 'u', db_name: '/tmp/x.db' });
    expect(sqlite.ret).toBe(400);
    expect(sqlite.msg).toBe('客户端非法请求：db_type应该为mssql/mysql, 但现在db_type = sqlite');
    const host = await add({ db_mark: 'db_x', db_host: 'evil/host@x', db_user: 'u', db_name: 'd' });
    expect(host.ret).toBe(400);
    expect(host.msg).toContain('db_host');
    const missing = await add({ db_mark: 'db_x', db_host: 'localhost', db_name: 'd' });
    expect(missing.msg).toBe('客户端非法请求：缺少必要参数db_user');
    const gql = await t.graphql(ADD, { dbMark: 'db_x', engine: 'SQLITE', host: 'h', user: 'u', name: 'd' });
    expect(gql.errors?.[0]?.message).toMatch(/SQLITE/);
  });

  it('refuses a malformed db_mark with err_code 1 on both faces', async () => {
    const env = await add({ db_mark: 'bad mark', db_host: 'localhost', db_user: 'u', db_name: 'd' });
    expect(env.data.err_code).toBe(1);
    expect(env.data.err_msg).toContain('db_mark must be 1–64 letters, digits or _');
    const gql = await t.graphql(ADD, { dbMark: 'bad mark', engine: 'MSSQL', host: 'localhost', user: 'u', name: 'd' });
    expect(gql.data?.addDatabase).toMatchObject({ __typename: 'BusinessError', errCode: 1 });
  });
});
