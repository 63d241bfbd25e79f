/**
 * Several instances on one main store, each store kind: two runtimes share 20 queued exports and
 * each runs exactly once (one claim per task, every file whole); a runtime closed mid-export
 * (SIGTERM) hands its task back at a checkpoint, and one whose store connection died (a crash)
 * leaves it to be taken up after the lease; in both cases the next instance resumes from the
 * checkpoint and the file holds every row exactly once.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.js';
import { refuse } from '../../src/errors.js';
import { silentLogger } from '../../src/logger.js';
import { TaskRecords } from '../../src/records/tasks.js';
import { startRuntime, type Runtime } from '../../src/runtime.js';
import { testConfig, useServer } from '../support/server.js';
import { storeKinds } from '../support/stores.js';
import { defineTable, insertRows } from '../tables/support.js';
import { download, nonDecreasing, waitForTask } from './support.js';

const kinds = await storeKinds();
const ROWS = 30_000;

describe.each(kinds)('task workers of several instances on %s', (kind) => {
  // This instance serves the calls; its own worker is off, so only the runtimes below run tasks.
  const t = useServer(kind, { taskConcurrency: 0 });
  const instance = (overrides: Partial<Config> = {}): Promise<Runtime> =>
    startRuntime(testConfig(t.databaseUrl, { taskDir: t.rt.config.taskDir, taskConcurrency: 2, ...overrides }), silentLogger);

  beforeAll(async () => {
    const def = await defineTable(t.rt.main, t.app.id, 'big', ['title:varchar(16)', 'n:int']);
    await insertRows(t.rt.main, def.physical, Array.from({ length: ROWS }, (_, i) => ({ uuid: '', title: `r${i + 1}`, n: i % 7 })));
  });

  const idsOf = async (url: string): Promise<number[]> => {
    const text = await (await download(t, url)).text();
    return text.trimEnd().split('\n').map((l) => Number((JSON.parse(l) as { id: string }).id));
  };
  const everyRow = Array.from({ length: ROWS }, (_, i) => i + 1);
  /** The row reads (and counts) an instance sends to the table: a resumed export counts nothing and reads only what is left. */
  const watchReads = (rt: Runtime) => {
    const seen = { counts: 0, chunks: 0 };
    rt.main.onStatement((st) => {
      if (!/_big\b/.test(st.text)) return;
      if (st.text.includes('COUNT(*)')) seen.counts++;
      else if (st.text.includes('ORDER BY')) seen.chunks++;
    });
    return seen;
  };

  it('two instances share 20 queued tasks and each runs exactly once', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const env = await t.legacy({ s: 'App.Table.FreeExport', model_name: 'big', select: 'id', where: `[["id", "<=", ${50 * (i + 1)}]]`, format: 'jsonl' });
      ids.push(env.data.task_id as string);
    }
    const [a, b] = await Promise.all([instance(), instance()]);
    // Who ran each task: the instance that saved its success (a claim statement may be sent and
    // then rolled back by a write conflict, so the claims sent are no measure).
    const claims = new Map<string, string[]>();
    for (const [name, rt] of [['a', a], ['b', b]] as const) {
      rt.main.onStatement((s) => {
        if (!s.text.includes("SET status = 'succeeded'")) return;
        const id = s.params.find((p) => typeof p === 'string' && ids.includes(p)) as string | undefined;
        if (id) claims.set(id, [...(claims.get(id) ?? []), name]);
      });
    }
    try {
      a.tasks.start();
      b.tasks.start();
      const done = await Promise.all(ids.map((id) => waitForTask(t, id)));
      for (const [i, { task }] of done.entries()) {
        expect(task).toMatchObject({ status: 'succeeded', attempts: 1, result: { rows: 50 * (i + 1) } });
        expect(await idsOf((task.result as { url: string }).url)).toEqual(everyRow.slice(0, 50 * (i + 1)));
      }
      expect([...claims.keys()].sort()).toEqual([...ids].sort());
      for (const who of claims.values()) expect(who).toHaveLength(1);
      const by = [...claims.values()].flat();
      expect(by).toContain('a');
      expect(by).toContain('b');
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('a task of an app disabled or expired after it was queued fails at once with the guard’s message', async () => {
    const other = await t.rt.appRecords.create({ name: 'soon-off' });
    await defineTable(t.rt.main, other.id, 'big', ['title:varchar(16)', 'n:int']);
    const queue = async () => (await t.legacy({ s: 'App.Table.FreeExport', model_name: 'big', select: 'id' }, { app: other })).data.task_id as string;
    const records = new TaskRecords(t.rt.main);
    /** Runs one worker until the task ends; answers the task. */
    const runUntilEnded = async (id: string) => {
      const worker = await instance();
      try {
        worker.tasks.start();
        for (let i = 0; i < 400; i++) {
          const task = (await records.find(id))!;
          if (task.status !== 'queued' && task.status !== 'running') return task;
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
        throw new Error(`task ${id} did not end`);
      } finally {
        await worker.close();
      }
    };
    const disabled = await queue();
    await t.rt.appRecords.update(other.id, { status: 'disabled' });
    expect(await runUntilEnded(disabled)).toMatchObject({ status: 'failed', attempts: 1, error: refuse('APP_DISABLED').message });

    await t.rt.appRecords.update(other.id, { status: 'active' });
    t.rt.apps.forget();
    const expired = await queue();
    await t.rt.appRecords.update(other.id, { expiresAt: '2020-01-01 00:00:00' });
    expect(await runUntilEnded(expired)).toMatchObject({ status: 'failed', attempts: 1, error: refuse('APP_EXPIRED').message });
  });

  const exportAll = async (): Promise<string> => (await t.legacy({ s: 'App.Table.FreeExport', model_name: 'big', select: 'id', format: 'jsonl' })).data.task_id as string;
  const midway = async (records: TaskRecords, id: string): Promise<void> => {
    for (let i = 0; i < 2000; i++) {
      const task = await records.find(id);
      if (task && task.progress > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    throw new Error('the export never reported progress');
  };

  it('a shutdown hands the running export back at its checkpoint; the next instance resumes it', async () => {
    const id = await exportAll();
    const records = new TaskRecords(t.rt.main);
    const first = await instance({ taskConcurrency: 1 });
    first.tasks.start();
    await midway(records, id);
    await first.close();
    const handed = (await records.find(id))!;
    expect(handed).toMatchObject({ status: 'queued', attempts: 0 });
    expect(handed.progress).toBeGreaterThan(0);
    expect(handed.progress).toBeLessThan(100);
    expect(handed.checkpoint).toMatchObject({ rows: expect.any(Number) });

    const next = await instance();
    const reads = watchReads(next);
    try {
      next.tasks.start();
      const { task, progress } = await waitForTask(t, id);
      expect(task).toMatchObject({ status: 'succeeded', attempts: 1, result: { rows: ROWS } });
      expect(Math.min(...progress)).toBeGreaterThanOrEqual(handed.progress);
      expect(nonDecreasing(progress)).toBe(true);
      expect(await idsOf((task.result as { url: string }).url)).toEqual(everyRow);
      expect(reads.counts).toBe(0);
      expect(reads.chunks).toBeGreaterThan(0);
      expect(reads.chunks).toBeLessThan(ROWS / 1000 + 1);
    } finally {
      await next.close();
    }
  });

  it('a crashed worker’s export is taken up after its lease and resumed from the checkpoint', async () => {
    const id = await exportAll();
    const records = new TaskRecords(t.rt.main);
    const crashing = await instance({ taskConcurrency: 1 });
    crashing.tasks.start();
    await midway(records, id);
    // The worker's store goes away under it: nothing more is saved, as when the process is killed.
    await crashing.main.close();
    const left = (await records.find(id))!;
    expect(left.status).toBe('running');

    const next = await instance();
    const reads = watchReads(next);
    try {
      next.tasks.start();
      const { task } = await waitForTask(t, id);
      expect(task).toMatchObject({ status: 'succeeded', attempts: 2, result: { rows: ROWS } });
      expect(await idsOf((task.result as { url: string }).url)).toEqual(everyRow);
      expect(reads.counts).toBe(0);
      expect(reads.chunks).toBeGreaterThan(0);
      expect(reads.chunks).toBeLessThan(ROWS / 1000 + 1);
    } finally {
      await next.close();
      await crashing.tasks.close();
    }
  });
});
