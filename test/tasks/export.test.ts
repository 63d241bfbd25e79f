/**
 * Exports as tasks on each main store, both faces, through `server.fetch`: App.Table.FreeExport
 * and GraphQL `exportTable` answer a task at once; the worker writes every matching row exactly
 * once in keyset-paged chunks, in the order asked; progress never goes down; the signed link
 * serves the file and refuses a tampered or expired one; bad input answers its 400 or err_code.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ident, sql } from '../../src/db/sql.js';
import { TableRecords } from '../../src/records/tables.js';
import { EXPORT_CHUNK } from '../../src/operations/tasks/export.js';
import { downloadPath } from '../../src/tasks/download.js';
import { useServer } from '../support/server.js';
import { storeKinds } from '../support/stores.js';
import { defineTable, insertRows } from '../tables/support.js';
import { download, nonDecreasing, waitForTask } from './support.js';

const kinds = await storeKinds();
const P = '客户端非法请求：';
const ROWS = EXPORT_CHUNK * 2 + 345;

describe.each(kinds)('exports on %s', (kind) => {
  const t = useServer(kind, { taskConcurrency: 2 });
  let physical: string;

  beforeAll(async () => {
    const def = await defineTable(t.rt.main, t.app.id, 'article', ['title:varchar(32)', 'score:int', 'state:int']);
    physical = def.physical;
    // Scores repeat (ties are broken by id) and some are NULL, so the keyset crosses equal and missing keys.
    const rows = Array.from({ length: ROWS }, (_, i) => ({ uuid: i % 10 === 0 ? 'A'.repeat(32) : '', title: i === 7 ? 'a, "quoted" title' : `t${i + 1}`, score: i % 13 === 0 ? null : i % 50, state: i % 3 }));
    await insertRows(t.rt.main, physical, rows);
  });

  it('App.Table.FreeExport answers a task at once and leaves a CSV with every row exactly once', async () => {
    const env = await t.legacy({ s: 'App.Table.FreeExport', model_name: 'article', select: 'id,title' });
    expect(env.ret, env.msg).toBe(200);
    expect(env.data).toMatchObject({ err_code: 0, err_msg: '', status: 'queued' });
    const taskId = env.data.task_id as string;
    expect(taskId).toMatch(/^[0-9a-f]{32}$/);

    const { task, progress } = await waitForTask(t, taskId);
    expect(task.status, String(task.error)).toBe('succeeded');
    expect(task.progress).toBe(100);
    expect(nonDecreasing(progress)).toBe(true);
    const result = task.result as { rows: number; bytes: number; format: string; url: string; expires_at: string };
    expect(result).toMatchObject({ rows: ROWS, format: 'csv' });

    const res = await download(t, result.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const body = await res.text();
    expect(Buffer.byteLength(body)).toBe(result.bytes);
    const lines = body.split('\r\n');
    expect(lines.at(-1)).toBe('');
    expect(lines[0]).toBe('id,title');
    const ids = lines.slice(1, -1).map((l) => Number(l.split(',')[0]));
    expect(ids).toEqual(Array.from({ length: ROWS }, (_, i) => i + 1));
    expect(lines[8]).toBe('8,"a, ""quoted"" title"');
  });

  it('GraphQL exportTable writes JSON lines of the matching rows in the order asked, ties by id', async () => {
    const res = await t.graphql<{ exportTable: { __typename: string; id: string; status: string } }>(
      `mutation { exportTable(table: "article", format: JSONL, select: ["id", "score"], where: { conditions: [{ field: "state", op: EQ, value: 1 }] }, order: [{ column: "score", direction: DESC }]) { __typename ... on MutationExportTableSuccess { data { id status } } } }`,
    );
    expect(res.errors).toBeUndefined();
    const queued = (res.data as unknown as { exportTable: { data: { id: string; status: string } } }).exportTable.data;
    expect(queued.status).toBe('QUEUED');
    let polled: { status: string; progress: number; downloadUrl: string | null; result: { rows: number } | null } | undefined;
    const seen: number[] = [];
    for (let i = 0; i < 600; i++) {
      const q = await t.graphql<{ task: { data: NonNullable<typeof polled> } }>(`query($id: String!) { task(id: $id) { ... on QueryTaskSuccess { data { status progress downloadUrl result } } } }`, { id: queued.id });
      expect(q.errors).toBeUndefined();
      polled = q.data!.task.data;
      seen.push(polled.progress);
      if (polled.status !== 'QUEUED' && polled.status !== 'RUNNING') break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(polled!.status).toBe('SUCCEEDED');
    expect(nonDecreasing(seen)).toBe(true);

    const expected = await t.rt.main.query<{ id: number | string; score: number | string | null }>(
      sql`SELECT id, score FROM ${ident(physical)} WHERE state = 1 ORDER BY score DESC, id ASC`,
    );
    const file = await (await download(t, polled!.downloadUrl!)).text();
    const rows = file.trimEnd().split('\n').map((l) => JSON.parse(l) as { id: string; score: string | null });
    expect(polled!.result!.rows).toBe(expected.length);
    expect(rows).toEqual(expected.map((r) => ({ id: String(r.id), score: r.score === null ? null : String(r.score) })));
  });

  it('keeps to model_uuid and reads a table with no matching row as an empty file', async () => {
    const owned = await t.legacy({ s: 'App.Table.FreeExport', model_name: 'article', model_uuid: 'A'.repeat(32), select: 'id', format: 'jsonl' });
    const done = await waitForTask(t, owned.data.task_id as string);
    expect(done.task.result).toMatchObject({ rows: Math.ceil(ROWS / 10) });
    const none = await t.legacy({ s: 'App.Table.FreeExport', model_name: 'article', where: '[["state", "=", 9]]' });
    const empty = await waitForTask(t, none.data.task_id as string);
    expect(empty.task).toMatchObject({ status: 'succeeded', progress: 100, result: { rows: 0 } });
    const text = await (await download(t, (empty.task.result as { url: string }).url)).text();
    expect(text).toBe('id,uuid,add_time,update_time,ext_data,title,score,state\r\n');
  });

  it('refuses a tampered, expired or foreign download link', async () => {
    const env = await t.legacy({ s: 'App.Table.FreeExport', model_name: 'article', select: 'id', where: '[["id", "<", 5]]' });
    const { task } = await waitForTask(t, env.data.task_id as string);
    const url = (task.result as { url: string }).url;
    expect((await download(t, url)).status).toBe(200);
    expect((await download(t, url, 'HEAD')).status).toBe(200);
    const taskId = env.data.task_id as string;
    const sig = new URL('http://x' + url).searchParams.get('sig')!;
    const flipped = sig.slice(0, -1) + (sig.endsWith('0') ? '1' : '0');
    const tampered = [
      url.replace(`sig=${sig}`, `sig=${flipped}`),
      url.replace(/expires=\d+/, (m) => `expires=${Number(m.slice(8)) + 1}`),
      url.replace(/&sig=.*$/, ''),
      downloadPath('another-secret-key-0123456789', taskId, Math.floor(Date.now() / 1000) + 60),
    ];
    for (const bad of tampered) {
      const res = await download(t, bad);
      expect(res.status, bad).toBe(403);
      expect(await res.json()).toEqual({ error: 'The download link is invalid or has expired.' });
    }
    const expired = downloadPath(t.rt.config.secretKey, taskId, Math.floor(Date.now() / 1000) - 1);
    expect((await download(t, expired)).status).toBe(403);
    const unknown = downloadPath(t.rt.config.secretKey, 'f'.repeat(32), Math.floor(Date.now() / 1000) + 60);
    expect((await download(t, unknown)).status).toBe(404);
  });

  it('keeps a check code out of the task: only its digest is stored, and the task runs with it', async () => {
    const coded = await defineTable(t.rt.main, t.app.id, 'coded', ['title:varchar(16)']);
    await insertRows(t.rt.main, coded.physical, [{ uuid: '', title: 'one' }, { uuid: '', title: 'two' }]);
    await new TableRecords(t.rt.main).setCheckCode(t.app.id, 'coded', 'open-sesame-42');
    const refused = await t.legacy({ s: 'App.Table.FreeExport', model_name: 'coded', check_code: 'wrong' });
    expect(refused.data.err_code).not.toBe(0);
    const env = await t.legacy({ s: 'App.Table.FreeExport', model_name: 'coded', check_code: 'open-sesame-42', format: 'jsonl' });
    expect(env.data.err_code, env.data.err_msg).toBe(0);
    const taskId = env.data.task_id as string;
    const [stored] = await t.rt.main.query<{ params: string }>(sql`SELECT params FROM yg_task WHERE id = ${taskId}`);
    expect(stored!.params).not.toContain('open-sesame-42');
    expect(JSON.parse(stored!.params)).toMatchObject({ checkCodeDigest: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const { task } = await waitForTask(t, taskId);
    expect(task, String(task.error)).toMatchObject({ status: 'succeeded', result: { rows: 2 } });
  });

  it('answers bad input at once: missing table or column, random order, unknown format', async () => {
    expect((await t.legacy({ s: 'App.Table.FreeExport', model_name: 'nothere' })).data).toEqual({ err_code: 1, err_msg: '表单nothere不存在' });
    const other = await t.newApp();
    expect((await t.legacy({ s: 'App.Table.FreeExport', model_name: 'article' }, { app: other })).data).toEqual({ err_code: 1, err_msg: '表单article不存在' });
    const column = await t.legacy({ s: 'App.Table.FreeExport', model_name: 'article', select: 'id,nope' });
    expect(column.ret).toBe(400);
    expect(column.msg).toBe(`${P}参数select中的字段 nope 不存在`);
    const where = await t.legacy({ s: 'App.Table.FreeExport', model_name: 'article', where: '[["nope", "=", 1]]' });
    expect(where.msg).toBe(`${P}参数where中的字段 nope 不存在`);
    const random = await t.legacy({ s: 'App.Table.FreeExport', model_name: 'article', order: '["RAND"]' });
    expect(random.ret).toBe(400);
    expect(random.msg).toBe(`${P}参数order不能是随机排序：导出按顺序分批读取`);
    const format = await t.legacy({ s: 'App.Table.FreeExport', model_name: 'article', format: 'xlsx' });
    expect(format.ret).toBe(400);
    const gql = await t.graphql(`mutation { exportTable(table: "article", select: ["nope"]) { __typename } }`);
    expect(gql.errors?.[0]?.message).toBe(`${P}参数select中的字段 nope 不存在`);
    const missing = await t.graphql<{ exportTable: { __typename: string; errCode: number } }>(`mutation { exportTable(table: "nothere") { __typename ... on BusinessError { errCode message } } }`);
    expect(missing.data?.exportTable).toEqual({ __typename: 'BusinessError', errCode: 1, message: '表单nothere不存在' });
    // Nothing was queued by the refused calls.
    const [n] = await t.rt.main.query<{ n: number | string }>(sql`SELECT COUNT(*) AS n FROM yg_task WHERE params LIKE ${'%nope%'} OR params LIKE ${'%nothere%'}`);
    expect(Number(n!.n)).toBe(0);
  });
});
