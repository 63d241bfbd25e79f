/**
 * GraphQL `taskProgress(id)` over graphql-yoga's server-sent events, on each main store: the
 * stream follows an export from queued to succeeded with progress that never goes down, then
 * ends; a task the caller may not see is an error event, not a stream. With Redis, a stream on
 * one instance is woken by every checkpoint of a worker on another (pub/sub), not only by its
 * own reads of the store every 2 s.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { payloadSign } from '../../src/guards/sign.js';
import type { App } from '../../src/records/apps.js';
import { silentLogger } from '../../src/logger.js';
import { startRuntime } from '../../src/runtime.js';
import { REDIS_URL, sharedRedis } from '../guards/support.js';
import { BASE, testConfig, useServer, type TestServer } from '../support/server.js';
import { storeKinds } from '../support/stores.js';
import { defineTable, insertRows } from '../tables/support.js';
import { nonDecreasing } from './support.js';

const kinds = await storeKinds();
const ROWS = 20_000;

describe.each(kinds)('taskProgress over server-sent events on %s', (kind) => {
  const t = useServer(kind, { taskConcurrency: 2 });
  suite(t);
});

describe.runIf(await sharedRedis()).each(kinds)('taskProgress across instances over Redis on %s', (kind) => {
  // This server runs no task: a worker of another instance does, and word comes over Redis.
  const t = useServer(kind, { taskConcurrency: 0, redisUrl: REDIS_URL });

  beforeAll(async () => {
    const def = await defineTable(t.rt.main, t.app.id, 'big', ['title:varchar(32)']);
    await insertRows(t.rt.main, def.physical, Array.from({ length: ROWS }, (_, i) => ({ uuid: '', title: `r${i + 1}` })));
  });

  it('follows every checkpoint of another instance’s worker, not only its own reads every 2 s', async () => {
    const env = await t.legacy({ s: 'App.Table.FreeExport', model_name: 'big', select: 'id' });
    const worker = await startRuntime(testConfig(t.databaseUrl, { taskDir: t.rt.config.taskDir, taskConcurrency: 1, redisUrl: REDIS_URL }), silentLogger);
    try {
      const stream = streamEvents(t, env.data.task_id as string, t.app);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const started = Date.now();
      worker.tasks.start();
      const states = (await stream).map((e) => e.data!.taskProgress);
      const seconds = (Date.now() - started) / 1000;
      expect(states.at(-1)).toMatchObject({ status: 'SUCCEEDED', progress: 100 });
      expect(nonDecreasing(states.map((s) => s.progress))).toBe(true);
      // 20 checkpoints (a chunk of 1000 rows each): reads every 2 s alone would see about one
      // state per 2 s of the export; word of each move shows most of them.
      const distinct = new Set(states.map((s) => `${s.status}:${s.progress}`)).size;
      expect(distinct, `${distinct} states in ${seconds.toFixed(1)} s`).toBeGreaterThan(Math.max(6, seconds / 2 + 3));
    } finally {
      await worker.close();
    }
  });
});

function suite(t: TestServer) {

  beforeAll(async () => {
    const def = await defineTable(t.rt.main, t.app.id, 'big', ['title:varchar(32)']);
    await insertRows(t.rt.main, def.physical, Array.from({ length: ROWS }, (_, i) => ({ uuid: '', title: `r${i + 1}` })));
  });

  const events = (id: string, app: App = t.app) => streamEvents(t, id, app);

  it('streams an export’s progress until it succeeds, never going down', async () => {
    const env = await t.legacy({ s: 'App.Table.FreeExport', model_name: 'big', select: 'id' });
    const seen = await events(env.data.task_id as string);
    const states = seen.map((e) => e.data!.taskProgress);
    expect(states.length).toBeGreaterThanOrEqual(1);
    expect(states.at(-1)).toMatchObject({ status: 'SUCCEEDED', progress: 100, downloadUrl: expect.stringMatching(/^\/tasks\/[0-9a-f]{32}\/file\?expires=\d+&sig=[0-9a-f]{64}$/) });
    expect(nonDecreasing(states.map((s) => s.progress))).toBe(true);
    expect(states.slice(0, -1).every((s) => s.status === 'QUEUED' || s.status === 'RUNNING')).toBe(true);
  });

  it('answers an error event for an unknown task or another app’s', async () => {
    const env = await t.legacy({ s: 'App.Table.FreeExport', model_name: 'big', select: 'id', where: '[["id", "<", 10]]' });
    const other = await t.newApp();
    for (const [id, app] of [['f'.repeat(32), t.app], [env.data.task_id as string, other]] as const) {
      const seen = await events(id, app);
      expect(seen).toHaveLength(1);
      expect(seen[0]!.errors?.[0]?.message).toBe('任务不存在');
    }
  });
}

type ProgressEvent = { data?: { taskProgress: { status: string; progress: number; downloadUrl: string | null } }; errors?: Array<{ message: string }> };

/** Every `data:` event of a `taskProgress` stream, read until the server ends it. */
async function streamEvents(t: TestServer, id: string, app: App): Promise<ProgressEvent[]> {
  const body = JSON.stringify({ query: 'subscription($id: String!) { taskProgress(id: $id) { status progress downloadUrl } }', variables: { id } });
  const res = await t.fetch(
    new Request(`${BASE}/graphql`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', 'x-app-key': app.appKey, 'x-sign': payloadSign(body, app.appSecret) },
    }),
  );
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const text = await res.text();
  return text
    .split('\n')
    .filter((l) => l.startsWith('data: ') && l.length > 6)
    .map((l) => JSON.parse(l.slice(6)) as never);
}
