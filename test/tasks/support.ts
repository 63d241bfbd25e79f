/** Tasks for the task suites: waiting for a task through App.Task.Get, and downloading its file through the server. */
import { expect } from 'vitest';
import type { Envelope, TestServer } from '../support/server.js';
import { BASE } from '../support/server.js';

export const TERMINAL = ['succeeded', 'failed', 'cancelled'];

/** Polls App.Task.Get until the task ends; answers its last state and every progress seen. */
export async function waitForTask(t: TestServer, taskId: string, options: Parameters<TestServer['legacy']>[1] = {}, timeoutMs = 30_000): Promise<{ task: Envelope['data']; progress: number[] }> {
  const progress: number[] = [];
  const until = Date.now() + timeoutMs;
  for (;;) {
    const env = await t.legacy({ s: 'App.Task.Get', task_id: taskId }, options);
    expect(env.ret, env.msg).toBe(200);
    expect(env.data.err_code, env.data.err_msg).toBe(0);
    progress.push(env.data.progress as number);
    if (TERMINAL.includes(env.data.status as string)) return { task: env.data, progress };
    if (Date.now() > until) throw new Error(`task ${taskId} did not end: ${JSON.stringify(env.data)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The download link's answer, through the server's fetch (as the HTTP listener serves it). */
export function download(t: TestServer, url: string, method = 'GET'): Promise<Response> {
  return t.fetch(new Request(BASE + url, { method }));
}

/** True when the numbers never go down. */
export function nonDecreasing(values: readonly number[]): boolean {
  return values.every((v, i) => i === 0 || v >= values[i - 1]!);
}
