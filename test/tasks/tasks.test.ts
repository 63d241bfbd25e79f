/**
 * App.Task.Get / GetList / Cancel and GraphQL `task`, `tasks`, `cancelTask` on each main store:
 * the seed's parameters, who may see a task (its app; its owner when it has one), cancelling,
 * retries up to the configured attempts, a task whose worker stopped taken up after its lease,
 * and progress that never goes down.
 */
import { describe, expect, it } from 'vitest';
import { sql } from '../../src/db/sql.js';
import { TaskRecords } from '../../src/records/tasks.js';
import { useServer } from '../support/server.js';
import { storeKinds } from '../support/stores.js';
import { member, session } from '../members/support.js';
import { insertRows } from '../tables/support.js';
import { waitForTask } from './support.js';

const kinds = await storeKinds();
const P = '客户端非法请求：';

describe.each(kinds)('tasks on %s', (kind) => {
  const t = useServer(kind, { taskConcurrency: 2 });

  const queueExport = async (params: Record<string, string> = {}, options: Parameters<typeof t.legacy>[1] = {}) => {
    const env = await t.legacy({ s: 'App.Table.FreeExport', model_name: 'okayapi_message', ...params }, options);
    expect(env.data.err_code, env.msg).toBe(0);
    return env.data.task_id as string;
  };

  it('App.Task.Get answers the task: the seed’s task_id, required', async () => {
    const taskId = await queueExport();
    const { task } = await waitForTask(t, taskId);
    expect(Object.keys(task)).toEqual(['err_code', 'err_msg', 'task_id', 'kind', 'status', 'progress', 'result', 'error', 'attempts', 'created_at', 'started_at', 'finished_at']);
    expect(task).toMatchObject({ task_id: taskId, kind: 'table-export', status: 'succeeded', progress: 100, error: null, attempts: 1 });
    expect(task.created_at).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    const missing = await t.legacy({ s: 'App.Task.Get' });
    expect(missing.ret).toBe(400);
    expect(missing.msg).toBe(`${P}缺少必要参数task_id`);
  });

  it('err_code 1 for an unknown id, another app’s task, and a member’s task asked by anyone else', async () => {
    const unknown = ['f'.repeat(32), 'not-an-id', "x' OR 1=1 --"];
    for (const id of unknown) expect((await t.legacy({ s: 'App.Task.Get', task_id: id })).data).toEqual({ err_code: 1, err_msg: '任务不存在' });
    const ownerless = await queueExport();
    const other = await t.newApp();
    expect((await t.legacy({ s: 'App.Task.Get', task_id: ownerless }, { app: other })).data).toEqual({ err_code: 1, err_msg: '任务不存在' });
    expect((await t.legacy({ s: 'App.Task.Cancel', task_id: ownerless }, { app: other })).data).toEqual({ err_code: 1, err_msg: '任务不存在' });

    const alice = await member(t);
    const bob = await member(t);
    const owned = await queueExport({}, { session: session(alice) });
    expect((await t.legacy({ s: 'App.Task.Get', task_id: owned }, { session: session(alice) })).data.err_code).toBe(0);
    expect((await t.legacy({ s: 'App.Task.Get', task_id: owned }, { session: session(bob) })).data.err_code).toBe(1);
    expect((await t.legacy({ s: 'App.Task.Get', task_id: owned })).data.err_code).toBe(1);
    // An ownerless task is the app's: any member of it sees it.
    expect((await t.legacy({ s: 'App.Task.Get', task_id: ownerless }, { session: session(bob) })).data.err_code).toBe(0);

    const list = await t.legacy({ s: 'App.Task.GetList', limit: 100 }, { session: session(bob) });
    const ids = (list.data.list as Array<{ task_id: string }>).map((x) => x.task_id);
    expect(ids).toContain(ownerless);
    expect(ids).not.toContain(owned);
    const mine = await t.legacy({ s: 'App.Task.GetList' }, { session: session(alice) });
    expect((mine.data.list as Array<{ task_id: string }>).map((x) => x.task_id)).toContain(owned);

    const gql = await t.graphql<{ task: { __typename: string; errCode?: number } }>(`query($id: String!) { task(id: $id) { __typename ... on BusinessError { errCode message } } }`, { id: owned }, { session: session(bob) });
    expect(gql.data?.task).toEqual({ __typename: 'BusinessError', errCode: 1, message: '任务不存在' });
    const seen = await t.graphql<{ task: { data: { id: string } } }>(`query($id: String!) { task(id: $id) { ... on QueryTaskSuccess { data { id kind } } } }`, { id: owned }, { session: session(alice) });
    expect(seen.data?.task.data).toEqual({ id: owned, kind: 'table-export' });
  });

  it('retries a failing task until it has run taskAttempts times, then fails it with an error id, no cause', async () => {
    const records = new TaskRecords(t.rt.main);
    const task = await records.create({ appId: t.app.id, ownerUuid: '', kind: 'no-such-kind', params: {} });
    const { task: done } = await waitForTask(t, task.id);
    expect(done.status).toBe('failed');
    expect(done.attempts).toBe(t.rt.config.taskAttempts);
    expect(done.error).toMatch(/^任务执行失败，错误编号：[0-9a-f-]{36}$/);
  });

  it('fails an export whose table went away with the table’s message, at once', async () => {
    const records = new TaskRecords(t.rt.main);
    const task = await records.create({ appId: t.app.id, ownerUuid: '', kind: 'table-export', params: { modelName: 'nope_gone', where: { logic: 'and', items: [] }, select: null, order: [], format: 'csv' } });
    const { task: done } = await waitForTask(t, task.id);
    expect(done).toMatchObject({ status: 'failed', attempts: 1, error: '表单nope_gone不存在' });
  });

  it('takes up a task whose worker stopped once its lease has passed', async () => {
    await insertRows(t.rt.main, 'okayapi_message', [{ app_id: t.app.id, message_key: 'k', message_content: 'c', message_nickname: 'n', message_pid: 0, message_post_time: '2020-01-01 00:00:00', uuid: '' }]);
    const records = new TaskRecords(t.rt.main);
    const task = await records.create({ appId: t.app.id, ownerUuid: '', kind: 'table-export', params: { modelName: 'okayapi_message', where: { logic: 'and', items: [] }, select: ['id'], order: [], format: 'jsonl' } });
    // A worker that claims it and then says nothing more, as one killed would.
    let claim = await records.claim('dead-worker', t.rt.config.taskLeaseSeconds * 1000, 3, () => 'x');
    while (claim && 'task' in claim && claim.task.id !== task.id) claim = await records.claim('dead-worker', 60_000, 3, () => 'x');
    const started = Date.now();
    const { task: done } = await waitForTask(t, task.id);
    expect(done).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });

  it('never lowers progress, and a worker that lost its lease changes nothing', async () => {
    const records = new TaskRecords(t.rt.main);
    const task = await records.create({ appId: t.app.id, ownerUuid: '', kind: 'never-claimed', params: {} });
    await t.rt.main.execute(sql`UPDATE yg_task SET status = 'running', lease_owner = ${'w1'}, attempts = 1 WHERE id = ${task.id}`);
    expect(await records.heartbeat(task.id, 'w1', 60_000, 40)).toBe(true);
    expect(await records.heartbeat(task.id, 'w1', 60_000, 20)).toBe(true);
    expect((await records.find(task.id))!.progress).toBe(40);
    expect(await records.heartbeat(task.id, 'w2', 60_000, 90)).toBe(false);
    expect(await records.succeed(task.id, 'w2', {})).toBe(false);
    expect((await records.find(task.id))!).toMatchObject({ status: 'running', progress: 40 });
    await records.cancel(task.id);
    expect(await records.succeed(task.id, 'w1', {})).toBe(false);
    expect((await records.find(task.id))!.status).toBe('cancelled');
  });
});

describe.each(kinds)('cancelling tasks on %s (no worker in this instance)', (kind) => {
  const t = useServer(kind, { taskConcurrency: 0 });

  it('cancels a queued task on both faces; err_code 2 once it has ended', async () => {
    const queued = await t.legacy({ s: 'App.Table.FreeExport', model_name: 'okayapi_message' });
    const taskId = queued.data.task_id as string;
    expect((await t.legacy({ s: 'App.Task.Get', task_id: taskId })).data).toMatchObject({ status: 'queued', progress: 0, attempts: 0, started_at: null });
    const cancelled = await t.legacy({ s: 'App.Task.Cancel', task_id: taskId });
    expect(cancelled.data).toMatchObject({ err_code: 0, task_id: taskId, status: 'cancelled' });
    expect(cancelled.data.finished_at).not.toBeNull();
    const again = await t.legacy({ s: 'App.Task.Cancel', task_id: taskId });
    expect(again.data).toEqual({ err_code: 2, err_msg: '任务已结束，不能取消：status = cancelled' });
    // A cancelled task is never claimed.
    expect(await new TaskRecords(t.rt.main).claim('w', 60_000, 3, () => 'x')).toBeNull();

    const other = await t.graphql<{ exportTable: { data: { id: string } } }>(`mutation { exportTable(table: "okayapi_message") { ... on MutationExportTableSuccess { data { id } } } }`);
    const id = other.data!.exportTable.data.id;
    const gql = await t.graphql<{ cancelTask: { data: { status: string } } }>(`mutation($id: String!) { cancelTask(id: $id) { ... on MutationCancelTaskSuccess { data { status } } } }`, { id });
    expect(gql.data?.cancelTask.data.status).toBe('CANCELLED');
    const ended = await t.graphql<{ cancelTask: unknown }>(`mutation($id: String!) { cancelTask(id: $id) { __typename ... on BusinessError { errCode } } }`, { id });
    expect(ended.data?.cancelTask).toEqual({ __typename: 'BusinessError', errCode: 2 });
  });

  it('cancels a running task: its worker’s next checkpoint finds it lost', async () => {
    const records = new TaskRecords(t.rt.main);
    const queued = await t.legacy({ s: 'App.Table.FreeExport', model_name: 'okayapi_message' });
    const claim = await records.claim('w1', 60_000, 3, () => 'x');
    expect(claim && 'task' in claim && claim.task.id).toBe(queued.data.task_id);
    expect((await t.legacy({ s: 'App.Task.Cancel', task_id: queued.data.task_id as string })).data).toMatchObject({ err_code: 0, status: 'cancelled' });
    expect(await records.heartbeat(queued.data.task_id as string, 'w1', 60_000, 50, { after: null })).toBe(false);
  });
});
