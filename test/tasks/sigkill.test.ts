/**
 * The crash proof, on each main store with real server processes (`yesgraph serve`): an export
 * of 100,000 rows is killed with SIGKILL mid-way; a new server process takes the task up once
 * its lease has passed and finishes it from the checkpoint; the file, downloaded over HTTP
 * through the signed link, holds every row exactly once, and progress never went down.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logger.js';
import type { App } from '../../src/records/apps.js';
import { startRuntime } from '../../src/runtime.js';
import { CLI_KEY, NODE_ARGS } from '../cli/process.js';
import { signedParams, testConfig, type Envelope } from '../support/server.js';
import { freshDatabase, storeKinds, type FreshDatabase } from '../support/stores.js';
import { defineTable, insertRows } from '../tables/support.js';
import { nonDecreasing } from './support.js';
import { freePort } from '../support/ports.js';

const kinds = await storeKinds();
const ROWS = 100_000;


describe.each(kinds)('an export killed mid-way on %s', (kind) => {
  let db: FreshDatabase;
  const children: ChildProcess[] = [];
  const taskDir = mkdtempSync(join(tmpdir(), 'yesgraph-kill-'));

  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await db?.drop();
  });

  async function serve(port: number): Promise<ChildProcess> {
    const child = spawn(process.execPath, [...NODE_ARGS, 'serve'], {
      env: {
        ...process.env,
        HOST: '127.0.0.1',
        PORT: String(port),
        DATABASE_URL: db.url,
        YESGRAPH_SECRET_KEY: CLI_KEY,
        NODE_ENV: 'production',
        LOG_LEVEL: 'silent',
        YESGRAPH_TASK_DIR: taskDir,
        YESGRAPH_TASK_CONCURRENCY: '1',
        YESGRAPH_TASK_LEASE_SECONDS: '2',
      },
      stdio: 'ignore',
    });
    children.push(child);
    for (let i = 0; i < 300; i++) {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false))) return child;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`server on ${port} did not start`);
  }

  it('finishes after a restart with every row exactly once', async () => {
    db = await freshDatabase(kind);
    const rt = await startRuntime(testConfig(db.url, { secretKey: CLI_KEY, taskConcurrency: 0 }), silentLogger);
    let app: App;
    try {
      app = await rt.appRecords.create({ name: 'kill' });
      const def = await defineTable(rt.main, app.id, 'big', ['title:varchar(32)', 'body:text']);
      for (let i = 0; i < ROWS; i += 20_000) {
        await insertRows(rt.main, def.physical, Array.from({ length: 20_000 }, (_, k) => ({ uuid: '', title: `r${i + k + 1}`, body: 'x'.repeat(100) })));
      }
    } finally {
      await rt.close();
    }
    const call = async (port: number, params: Record<string, string>) =>
      (await (await fetch(`http://127.0.0.1:${port}/?${signedParams(params, app).toString()}`)).json()) as Envelope;

    const first = await freePort();
    const victim = await serve(first);
    const taskId = (await call(first, { s: 'App.Table.FreeExport', model_name: 'big', select: 'id,title', format: 'jsonl' })).data.task_id as string;
    const progress: number[] = [];
    for (;;) {
      const task = (await call(first, { s: 'App.Task.Get', task_id: taskId })).data;
      progress.push(task.progress as number);
      expect(task.status).not.toBe('succeeded');
      if ((task.progress as number) >= 10) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    victim.kill('SIGKILL');
    await new Promise((r) => victim.once('exit', r));

    const second = await freePort();
    await serve(second);
    let task: Envelope['data'];
    for (let i = 0; ; i++) {
      task = (await call(second, { s: 'App.Task.Get', task_id: taskId })).data;
      progress.push(task.progress as number);
      if (task.status === 'succeeded' || task.status === 'failed') break;
      if (i > 1200) throw new Error(`the export did not finish: ${JSON.stringify(task)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(task).toMatchObject({ status: 'succeeded', attempts: 2, result: { rows: ROWS } });
    expect(nonDecreasing(progress)).toBe(true);
    const res = await fetch(`http://127.0.0.1:${second}${(task.result as { url: string }).url}`);
    expect(res.status).toBe(200);
    const lines = (await res.text()).trimEnd().split('\n');
    const ids = lines.map((l) => Number((JSON.parse(l) as { id: string }).id));
    expect(ids).toHaveLength(ROWS);
    expect(ids.every((id, i) => id === i + 1)).toBe(true);
  }, 240_000);
});
