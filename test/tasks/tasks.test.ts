/**
 * App.Task.Get / GetList / Cancel and GraphQL `task`, `tasks`, `cancelTask` on each main store:
 * the seed's parameters, who may see a task (its app; its owner when it has one), cancelling,
 * retries up to the configured attempts, a task whose worker stopped taken up after its lease,
 * and progress that never goes down.
 */
import { describe, expect, it } from 'vitest';
import { randomHex } from '../../src/crypto.js';
import { sqlNow } from '../../src/db/datetime.js';
import { sql } from '../../src/db/sql.js';
import { TaskRecords } from '../../src/records/tasks.js';
import { useServer } from '../support/server.js';
import { countStatements, storeKinds, withOneConflict } from '../support/stores.js';
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
    // A task a worker claimed and then said nothing more of, as one killed would. It is written
    // in that state in one statement: created queued and then claimed, this instance's own worker
    // could take it up in between, and the test would see one attempt.
    const id = randomHex(16);
    const params = { modelName: 'okayapi_message', where: { logic: 'and', items: [] }, select: ['id'], order: [], format: 'jsonl' };
    const leaseUntil = sqlNow(new Date(Date.now() + t.rt.config.taskLeaseSeconds * 1000));
    await t.rt.main.execute(
      sql`INSERT INTO yg_task (id, app_id, owner_uuid, kind, params, status, progress, attempts, created_at, started_at, lease_owner, lease_until) VALUES (${id}, ${t.app.id}, '', 'table-export', ${JSON.stringify(params)}, 'running', 0, 1, ${sqlNow()}, ${sqlNow()}, 'dead-worker', ${leaseUntil})`,
    );
    const started = Date.now();
    const { task: done } = await waitForTask(t, id);
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

/**
 * The task records themselves (src/records/tasks.ts), with no worker in the instance: a claim's
 * choice and its lease, the attempt cap, and every write of a worker naming its lease.
 */
describe.each(kinds)('task records on %s', (kind) => {
  const t = useServer(kind, { taskConcurrency: 0 });
  const abandoned = (n: number) => `abandoned after ${n}`;
  const T0 = new Date('2030-01-01T00:00:00Z');
  const at = (ms: number) => new Date(T0.getTime() + ms);

  /** Queued tasks with created_at one second apart, in this order; the queue holds nothing else. */
  async function queue(n: number, records: TaskRecords) {
    await t.rt.main.execute(sql`DELETE FROM yg_task`);
    const tasks = [];
    for (let i = 0; i < n; i++) {
      const task = await records.create({ appId: t.app.id, ownerUuid: '', kind: 'k', params: { i } });
      await t.rt.main.execute(sql`UPDATE yg_task SET created_at = ${`2020-01-01 00:00:0${i}`} WHERE id = ${task.id}`);
      tasks.push(task);
    }
    return tasks;
  }
  const claimed = (c: Awaited<ReturnType<TaskRecords['claim']>>) => (c && 'task' in c ? c.task : null);

  it('claims the oldest queued task with a lease: running, one more attempt, started now; nothing when the queue is empty', async () => {
    const records = new TaskRecords(t.rt.main);
    const [a, b] = await queue(2, records);
    const first = claimed(await records.claim('w1', 60_000, 3, abandoned, T0));
    expect(first).toMatchObject({ id: a!.id, status: 'running', attempts: 1, startedAt: '2030-01-01 00:00:00', params: { i: 0 } });
    expect(await records.find(a!.id)).toMatchObject({ status: 'running', attempts: 1, startedAt: '2030-01-01 00:00:00', finishedAt: null });
    // The lease runs 60 s: a second claim within it takes the next task, then finds nothing.
    expect(claimed(await records.claim('w2', 60_000, 3, abandoned, at(59_000)))?.id).toBe(b!.id);
    expect(await records.claim('w3', 60_000, 3, abandoned, at(59_999))).toBeNull();
    // At exactly the lease's end it has not lapsed; a second later it has, for the oldest lease first.
    expect(await records.claim('w3', 60_000, 3, abandoned, at(60_000))).toBeNull();
    const again = claimed(await records.claim('w3', 60_000, 3, abandoned, at(61_000)));
    expect(again).toMatchObject({ id: a!.id, attempts: 2, startedAt: '2030-01-01 00:00:00' });
    // The first worker lost it: none of its writes changes anything.
    expect(await records.heartbeat(a!.id, 'w1', 60_000, 50)).toBe(false);
    expect(await records.succeed(a!.id, 'w1', { r: 1 })).toBe(false);
    expect(await records.fail(a!.id, 'w1', 'e', false)).toBe(false);
    expect(await records.handBack(a!.id, 'w1')).toBe(false);
    expect(await records.find(a!.id)).toMatchObject({ status: 'running', attempts: 2, progress: 0, error: null, result: null });
  });

  it('takes a lapsed lease before an older queued task', async () => {
    const records = new TaskRecords(t.rt.main);
    const [older, running] = await queue(2, records);
    await t.rt.main.execute(sql`UPDATE yg_task SET status = 'running', lease_owner = 'gone', lease_until = '2029-12-31 23:59:59', attempts = 1 WHERE id = ${running!.id}`);
    expect(claimed(await records.claim('w', 60_000, 3, abandoned, T0))?.id).toBe(running!.id);
    expect(claimed(await records.claim('w', 60_000, 3, abandoned, T0))?.id).toBe(older!.id);
  });

  it('fails a task that has had exactly its attempts, with the error abandoned() gives; one attempt short is claimed', async () => {
    const records = new TaskRecords(t.rt.main);
    const [a, b] = await queue(2, records);
    await t.rt.main.execute(sql`UPDATE yg_task SET attempts = 3 WHERE id = ${a!.id}`);
    await t.rt.main.execute(sql`UPDATE yg_task SET attempts = 2 WHERE id = ${b!.id}`);
    const gone = await records.claim('w', 60_000, 3, abandoned, T0);
    expect(gone && 'exhausted' in gone && gone.exhausted.id).toBe(a!.id);
    expect(await records.find(a!.id)).toMatchObject({ status: 'failed', error: 'abandoned after 3', finishedAt: '2030-01-01 00:00:00', attempts: 3 });
    expect(claimed(await records.claim('w', 60_000, 3, abandoned, T0))).toMatchObject({ id: b!.id, attempts: 3 });
  });

  it('a heartbeat renews the lease, raises progress only, saves a checkpoint when given', async () => {
    const records = new TaskRecords(t.rt.main);
    const [a] = await queue(1, records);
    await records.claim('w', 60_000, 3, abandoned);
    expect(await records.heartbeat(a!.id, 'w', 60_000, 30, { after: 7 })).toBe(true);
    expect(await records.find(a!.id)).toMatchObject({ progress: 30, checkpoint: { after: 7 } });
    expect(await records.heartbeat(a!.id, 'w', 60_000)).toBe(true);
    expect(await records.heartbeat(a!.id, 'w', 60_000, 10)).toBe(true);
    expect(await records.find(a!.id)).toMatchObject({ progress: 30, checkpoint: { after: 7 } });
    // The lease now runs an hour from now: a claim half an hour on finds nothing to take.
    expect(await records.heartbeat(a!.id, 'w', 3_600_000)).toBe(true);
    expect(await records.claim('x', 60_000, 3, abandoned, new Date(Date.now() + 1_800_000))).toBeNull();
    // A heartbeat with a lease already over lets the next claim take it.
    expect(await records.heartbeat(a!.id, 'w', -5_000)).toBe(true);
    expect(claimed(await records.claim('x', 60_000, 3, abandoned))?.id).toBe(a!.id);
  });

  it('succeed, fail (for good or to retry) and handBack end the lease as documented', async () => {
    const records = new TaskRecords(t.rt.main);
    const [a, b, c, d] = await queue(4, records);
    for (let i = 0; i < 4; i++) await records.claim('w', 60_000, 3, abandoned);
    await records.heartbeat(a!.id, 'w', 60_000, 40);
    expect(await records.succeed(a!.id, 'w', { rows: 2 })).toBe(true);
    expect(await records.find(a!.id)).toMatchObject({ status: 'succeeded', progress: 100, result: { rows: 2 }, error: null });
    expect((await records.find(a!.id))!.finishedAt).not.toBeNull();
    expect(await records.succeed(a!.id, 'w', { rows: 3 })).toBe(false);

    expect(await records.fail(b!.id, 'w', 'broken', false)).toBe(true);
    expect(await records.find(b!.id)).toMatchObject({ status: 'failed', error: 'broken', attempts: 1 });
    expect((await records.find(b!.id))!.finishedAt).not.toBeNull();

    expect(await records.fail(c!.id, 'w', 'try again', true)).toBe(true);
    expect(await records.find(c!.id)).toMatchObject({ status: 'queued', error: 'try again', attempts: 1, finishedAt: null });

    expect(await records.handBack(d!.id, 'w')).toBe(true);
    expect(await records.find(d!.id)).toMatchObject({ status: 'queued', attempts: 0, finishedAt: null });
    // Handed back, then claimed again: attempts count the claim once more, from where they were.
    const next = claimed(await records.claim('w', 60_000, 3, abandoned));
    expect(next?.id).toBe(c!.id);
    expect(next?.attempts).toBe(2);
    expect(claimed(await records.claim('w', 60_000, 3, abandoned))).toMatchObject({ id: d!.id, attempts: 1 });
    await t.rt.main.execute(sql`UPDATE yg_task SET attempts = 0 WHERE id = ${d!.id}`);
    expect(await records.handBack(d!.id, 'w')).toBe(true);
    expect((await records.find(d!.id))!.attempts).toBe(0);
  });

  it('reads a status it does not know as failed; an id that is no task id asks nothing', async () => {
    const records = new TaskRecords(t.rt.main);
    const [a] = await queue(1, records);
    await t.rt.main.execute(sql`UPDATE yg_task SET status = 'paused' WHERE id = ${a!.id}`);
    expect((await records.find(a!.id))!.status).toBe('failed');
    for (const id of ['x', a!.id.toUpperCase(), `${a!.id}0`, a!.id.slice(1)]) {
      const { result, statements } = await countStatements(t.rt.main, () => records.find(id));
      expect(result, id).toBeNull();
      expect(statements, id).toEqual([]);
    }
  });

  it('prunes ended tasks finished before a time, oldest first, a batch at a time; tells which ids are unfinished', async () => {
    const records = new TaskRecords(t.rt.main);
    const tasks = await queue(6, records);
    const ids = tasks.map((x) => x.id);
    const end = async (i: number, status: string, finished: string | null) =>
      t.rt.main.execute(sql`UPDATE yg_task SET status = ${status}, finished_at = ${finished} WHERE id = ${ids[i]!}`);
    await end(0, 'succeeded', '2020-01-01 00:00:03');
    await end(1, 'failed', '2020-01-01 00:00:01');
    await end(2, 'cancelled', '2020-01-01 00:00:02');
    await end(3, 'succeeded', '2020-01-01 00:00:05'); // exactly the limit: kept
    await end(4, 'running', '2020-01-01 00:00:00'); // not ended: kept, whenever it started
    expect(await records.unfinished([])).toEqual(new Set());
    expect(await records.unfinished(ids)).toEqual(new Set([ids[4], ids[5]]));
    expect(await records.pruneEnded('2020-01-01 00:00:05', 2)).toEqual([ids[1], ids[2]]);
    expect(await records.pruneEnded('2020-01-01 00:00:05', 2)).toEqual([ids[0]]);
    expect(await records.pruneEnded('2020-01-01 00:00:05', 2)).toEqual([]);
    const left = await t.rt.main.query<{ id: string }>(sql`SELECT id FROM yg_task ORDER BY created_at`);
    expect(left.map((r) => r.id)).toEqual([ids[3], ids[4], ids[5]]);
  });

  it('runs a claim again after a write conflict, reported under task_claim; lists an app’s tasks by owner; finds an app’s key', async () => {
    const records = new TaskRecords(t.rt.main);
    const [a] = await queue(1, records);
    const { result: claim, retried } = await withOneConflict(t.rt.main, kind, () => records.claim('w', 60_000, 3, abandoned));
    expect(claimed(claim)?.id).toBe(a!.id);
    expect(retried).toEqual(['task_claim']);

    const owner = 'B'.repeat(32);
    const mine = await records.create({ appId: t.app.id, ownerUuid: owner, kind: 'k', params: {} });
    const theirs = await records.create({ appId: t.app.id, ownerUuid: 'C'.repeat(32), kind: 'k', params: {} });
    const ids = async (uuid: string) => (await records.list(t.app.id, uuid, 100)).map((x) => x.id).sort();
    expect(await ids(owner)).toEqual([a!.id, mine.id].sort());
    expect(await ids('')).toEqual([a!.id]);
    expect(await ids('C'.repeat(32))).toEqual([a!.id, theirs.id].sort());
    expect(await records.list(t.app.id, owner, 1)).toHaveLength(1);

    expect(await records.appKeyOf(t.app.id)).toBe(t.app.appKey);
    expect(await records.appKeyOf(987_654)).toBeNull();
  });

  it('12 claimers at once over 30 queued tasks: each task claimed exactly once', async () => {
    const records = new TaskRecords(t.rt.main);
    await t.rt.main.execute(sql`DELETE FROM yg_task`);
    const ids = new Set<string>();
    for (let i = 0; i < 30; i++) ids.add((await records.create({ appId: t.app.id, ownerUuid: '', kind: 'k', params: {} })).id);
    const got: string[] = [];
    await Promise.all(
      Array.from({ length: 12 }, async (_, w) => {
        for (;;) {
          const c = claimed(await records.claim(`w${w}`, 60_000, 3, abandoned));
          if (!c) return;
          got.push(c.id);
        }
      }),
    );
    expect(got.length).toBe(30);
    expect(new Set(got)).toEqual(ids);
  });
});
