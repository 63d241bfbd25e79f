/**
 * The registration attack: an app registers yesgraph's own main store as its db_mark and reads
 * every app's secrets through FreeTree; or uses the registration to scan the network and guess
 * passwords. Each attack is replayed here through the legacy face (and GraphQL) and must get
 * nothing: the same generic err_code 1, no driver text, nothing registered.
 */
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SecretBox } from '../../src/crypto.js';
import { DatabaseRefusedError, DatabaseRegistry } from '../../src/db/registry.js';
import { DEFAULT_TARGET_POLICY, parseAllowList } from '../../src/db/target-policy.js';
import { freshDatabase, storeKinds } from '../support/stores.js';
import { useServer, type Envelope, type TestServer } from '../support/server.js';

const kinds = await storeKinds();
const GENERIC = /^添加数据库连接配置失败：无法连接该数据库，或不允许登记该数据库，错误编号：[0-9a-f-]{36}$/;
const DRIVER_WORDS = /ECONNREFUSED|ETIMEDOUT|Access denied|Unknown database|getaddrinfo|127\.0\.0\.1|main store/;

function register(t: TestServer, fields: Record<string, string | number>): Promise<Envelope> {
  return t.legacy({ s: 'App.DB_MsSQL_Config.AddNewDatabaseConfig', db_type: 'mysql', db_user: 'root', db_password: '', ...fields });
}

function expectGeneric(env: Envelope): void {
  expect(env.ret).toBe(200);
  expect(env.data.err_code).toBe(1);
  expect(env.data.err_msg).toMatch(GENERIC);
  expect(JSON.stringify(env)).not.toMatch(DRIVER_WORDS);
}

describe.each(kinds)('database registrations with a %s main store', (kind) => {
  const t = useServer(kind);

  // A SQLite main store is a file: the API cannot register files at all (tested in
  // test/tree/databases.test.ts), and the operator not this one (below).
  it.skipIf(kind !== 'mysql')('never accepts the main store, by host alias, IP or database name case', async () => {
    const name = new URL(t.databaseUrl).pathname.slice(1);
    for (const [i, fields] of [
      { db_host: '127.0.0.1', db_port: 3306, db_name: name },
      { db_host: 'localhost', db_port: 3306, db_name: name },
      { db_host: 'localhost', db_port: 3306, db_name: name.toUpperCase() },
    ].entries()) {
      expectGeneric(await register(t, { db_mark: `stolen_${i}`, ...fields }));
    }
    const tree = await t.legacy({ s: 'App.DB_MsSQL_Data.FreeTree', db_mark: 'stolen_0', model_name: 'yg_app', select: 'app_key,app_secret' });
    expect(tree.data.err_code).toBe(1);
    expect(JSON.stringify(tree)).not.toContain(t.app.appKey);
    const gql = await t.graphql<{ addDatabase: { __typename: string; message?: string } }>(
      'mutation($n: String!) { addDatabase(dbMark: "stolen_g", engine: MYSQL, host: "127.0.0.1", user: "root", name: $n) { __typename ... on BusinessError { message } } }',
      { n: name },
    );
    expect(gql.data?.addDatabase.__typename).toBe('BusinessError');
    expect(gql.data?.addDatabase.message).toMatch(GENERIC);
    // Not even the operator may register it.
    await expect(t.rt.databases.add(t.app.id, 'stolen_cli', t.databaseUrl.replace('127.0.0.1', 'localhost'), '', { operator: true })).rejects.toThrow(
      /yesgraph's own main store/,
    );
    expect((await t.rt.databases.list()).map((d) => d.dbMark)).toEqual([]);
  });

  it.skipIf(!kinds.includes('mysql'))('answers one generic failure for a closed port and a wrong password, keeping the cause in the log', async () => {
    const other = await freshDatabase('mysql');
    try {
      const name = new URL(other.url).pathname.slice(1);
      const closed = await register(t, { db_mark: 'scan_1', db_host: '127.0.0.1', db_port: 1, db_name: name });
      const denied = await register(t, { db_mark: 'scan_2', db_host: '127.0.0.1', db_port: 3306, db_user: 'nobody', db_password: 'guess', db_name: name });
      expectGeneric(closed);
      expectGeneric(denied);
      // A real database of the owner on the same (allowed) server is fine.
      const ok = await register(t, { db_mark: 'owner_db', db_host: '127.0.0.1', db_port: 3306, db_name: name });
      expect(ok.data).toEqual({ err_code: 0, err_msg: '', db_mark: 'owner_db', db_type: 'mysql', table_prefix: '' });
      await t.rt.databases.remove(t.app.id, 'owner_db');
    } finally {
      await other.drop();
    }
  });

  it.skipIf(kind !== 'sqlite')('refuses the SQLite main store file to the operator, by path, relative path and symlink', async () => {
    const path = t.databaseUrl.slice('sqlite:'.length);
    const dir = mkdtempSync(join(tmpdir(), 'yesgraph-link-'));
    try {
      symlinkSync(path, join(dir, 'alias.db'));
      for (const url of [t.databaseUrl, `sqlite:${relative(process.cwd(), path)}`, `sqlite:${join(dir, 'alias.db')}`]) {
        await expect(t.rt.databases.add(t.app.id, 'main_file', url, '', { operator: true })).rejects.toThrow(/yesgraph's own main store/);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.each(kinds)('database registrations under the default address policy (%s main store)', (kind) => {
  const t = useServer(kind, { dbTargets: DEFAULT_TARGET_POLICY, dbRegistrationsPerMinute: 8 });

  it('refuses loopback, private and link-local targets without connecting, in the same words', async () => {
    const started = Date.now();
    // 10.255.255.1 would hang for the connect timeout if it were tried.
    for (const [i, host] of ['127.0.0.1', 'localhost', '::1', '10.255.255.1', '169.254.169.254', '::ffff:127.0.0.1', '0.0.0.0'].entries()) {
      expectGeneric(await register(t, { db_mark: `inner_${i}`, db_host: host, db_name: 'test' }));
    }
    expect(Date.now() - started).toBeLessThan(3000);
    expect(await t.rt.databases.list(t.app.id)).toEqual([]);
  });

  it('rate-limits registration attempts per app (414), not other apps', async () => {
    const app = await t.newApp();
    const answers: Envelope[] = [];
    for (let i = 0; i < 9; i++) {
      answers.push(await t.legacy({ s: 'App.DB_MsSQL_Config.AddNewDatabaseConfig', db_mark: `r${i}`, db_host: '127.0.0.1', db_user: 'u', db_name: 'd' }, { app }));
    }
    expect(answers.slice(0, 8).map((a) => a.ret)).toEqual(Array(8).fill(200));
    expect(answers[8]).toMatchObject({ ret: 414, data: {} });
    const fresh = await t.newApp();
    expect((await t.legacy({ s: 'App.DB_MsSQL_Config.AddNewDatabaseConfig', db_mark: 'x', db_host: '127.0.0.1', db_user: 'u', db_name: 'd' }, { app: fresh })).ret).toBe(200);
  });

  it.skipIf(!kinds.includes('mysql'))('checks an app registration again when its pool opens', async () => {
    const target = await freshDatabase('mysql');
    const box = new SecretBox('test-secret-key-0123456789');
    const open = new DatabaseRegistry(t.rt.main, box, { allow: parseAllowList('127.0.0.1:3306'), allowPublic: true });
    const strict = new DatabaseRegistry(t.rt.main, box, DEFAULT_TARGET_POLICY);
    try {
      const app = await t.newApp();
      await open.add(app.id, 'was_allowed', target.url.replace('localhost', '127.0.0.1'));
      await expect(strict.resolve(app.id, 'was_allowed')).rejects.toBeInstanceOf(DatabaseRefusedError);
      await expect(open.resolve(app.id, 'was_allowed')).resolves.toMatchObject({ dbMark: 'was_allowed' });
    } finally {
      await open.closeAll();
      await strict.closeAll();
      await target.drop();
    }
  });
});


describe.each(kinds.filter((k) => k === 'mysql'))('a registration refused when its pool opens (%s main store)', (kind) => {
  const t = useServer(kind, { dbTargets: DEFAULT_TARGET_POLICY });

  it('answers err_code 1 with an error id through FreeTree, not a 500', async () => {
    const target = await freshDatabase('mysql');
    const open = new DatabaseRegistry(t.rt.main, new SecretBox('test-secret-key-0123456789'), { allow: parseAllowList('127.0.0.1:3306'), allowPublic: true });
    try {
      await open.add(t.app.id, 'now_refused', target.url);
      const env = await t.legacy({ s: 'App.DB_MsSQL_Data.FreeTree', db_mark: 'now_refused', model_name: 'T' });
      expect(env.ret).toBe(200);
      expect(env.data.err_code).toBe(1);
      expect(JSON.stringify(env)).not.toMatch(DRIVER_WORDS);
    } finally {
      await open.closeAll();
      await target.drop();
    }
  });
});
