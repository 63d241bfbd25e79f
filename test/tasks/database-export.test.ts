/**
 * App.DB_MsSQL_Data.FreeExport and GraphQL `exportDatabaseTable` over a registered database of
 * each kind (SQLite file, MariaDB): every matching row exactly once in the order asked, through
 * the signed link; the direct-connect failures (unknown db_mark, another app's, missing table,
 * no integer id, missing column) answered at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/db/open.js';
import { ident, raw, sql } from '../../src/db/sql.js';
import type { Store } from '../../src/db/store.js';
import { useServer } from '../support/server.js';
import { freshDatabase, storeKinds, type FreshDatabase } from '../support/stores.js';
import { insertRows } from '../tables/support.js';
import { download, waitForTask } from './support.js';

const kinds = await storeKinds();
const ROWS = 2500;
const P = '客户端非法请求：';

describe.each(kinds)('exports of a registered %s database', (kind) => {
  const t = useServer(kind, { taskConcurrency: 2 });
  let owner: FreshDatabase;
  let store: Store;

  beforeAll(async () => {
    owner = await freshDatabase(kind);
    store = openStore(owner.url);
    const id = kind === 'sqlite' ? 'INTEGER PRIMARY KEY AUTOINCREMENT' : 'INT AUTO_INCREMENT PRIMARY KEY';
    await store.execute(sql`CREATE TABLE ${ident('pre_items')} (id ${raw(id)}, name VARCHAR(32), qty INT)`);
    await store.execute(sql`CREATE TABLE ${ident('pre_noid')} (code VARCHAR(8))`);
    await insertRows(store, 'pre_items', Array.from({ length: ROWS }, (_, i) => ({ name: `n${i + 1}`, qty: i % 11 })));
    await t.rt.databases.add(t.app.id, 'db_shop', owner.url, 'pre_', { operator: true });
  });

  afterAll(async () => {
    await store?.close();
    await owner?.drop();
  });

  it('App.DB_MsSQL_Data.FreeExport writes every matching row once, in the order asked', async () => {
    const env = await t.legacy({ s: 'App.DB_MsSQL_Data.FreeExport', db_mark: 'db_shop', model_name: 'items', where: '[["qty", ">", 2]]', order: '["qty DESC"]', select: 'id,qty', format: 'jsonl' });
    expect(env.data).toMatchObject({ err_code: 0, status: 'queued' });
    const { task } = await waitForTask(t, env.data.task_id as string);
    expect(task.status, String(task.error)).toBe('succeeded');
    const expected = await store.query<{ id: number; qty: number }>(sql`SELECT id, qty FROM pre_items WHERE qty > 2 ORDER BY qty DESC, id ASC`);
    const text = await (await download(t, (task.result as { url: string }).url)).text();
    expect(text.trimEnd().split('\n').map((l) => JSON.parse(l))).toEqual(expected.map((r) => ({ id: String(r.id), qty: String(r.qty) })));
  });

  it('GraphQL exportDatabaseTable answers the task; task(id) gives the link', async () => {
    const res = await t.graphql<{ exportDatabaseTable: { data: { id: string } } }>(`mutation { exportDatabaseTable(db: "db_shop", table: "items", select: ["id"]) { ... on MutationExportDatabaseTableSuccess { data { id } } } }`);
    expect(res.errors).toBeUndefined();
    const { task } = await waitForTask(t, res.data!.exportDatabaseTable.data.id);
    expect(task).toMatchObject({ status: 'succeeded', kind: 'database-export', result: { rows: ROWS, format: 'csv' } });
    const lines = (await (await download(t, (task.result as { url: string }).url)).text()).split('\r\n');
    expect(lines.slice(1, -1).map(Number)).toEqual(Array.from({ length: ROWS }, (_, i) => i + 1));
  });

  it('answers the direct-connect failures at once, queueing nothing', async () => {
    const call = (params: Record<string, string>, app = t.app) => t.legacy({ s: 'App.DB_MsSQL_Data.FreeExport', ...params }, { app });
    expect((await call({ db_mark: 'nope', model_name: 'items' })).data).toEqual({ err_code: 1, err_msg: '数据库代号db_mark=nope不存在，请先添加数据库连接配置' });
    const other = await t.newApp();
    expect((await call({ db_mark: 'db_shop', model_name: 'items' }, other)).data.err_code).toBe(1);
    expect((await call({ db_mark: 'db_shop', model_name: 'missing' })).data).toEqual({ err_code: 1, err_msg: '表missing不存在' });
    expect((await call({ db_mark: 'db_shop', model_name: 'noid' })).data).toEqual({ err_code: 1, err_msg: '表noid需要整数主键id' });
    const column = await call({ db_mark: 'db_shop', model_name: 'items', select: 'id,nope' });
    expect([column.ret, column.msg]).toEqual([400, `${P}参数select中的字段 nope 不存在`]);
    const [n] = await t.rt.main.query<{ n: number | string }>(sql`SELECT COUNT(*) AS n FROM yg_task WHERE kind = 'database-export' AND (params LIKE ${'%nope%'} OR params LIKE ${'%missing%'} OR params LIKE ${'%noid%'})`);
    expect(Number(n!.n)).toBe(0);
  });
});
