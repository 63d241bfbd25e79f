/**
 * App.Task.Get, GetList and Cancel (GraphQL `task`, `tasks`, `cancelTask`): a task is seen only
 * by its app, and, when it has an owner, only by that member (signed in with uuid + token).
 * Anything else is as missing as an unknown id: err_code 1, whichever it was.
 */
import { z } from 'zod';
import { businessError } from '../../errors.js';
import { TaskRecords, type Task } from '../../records/tasks.js';
import type { OperationContext } from '../context.js';
import { int, text } from '../input.js';

export const taskIdInput = z.object({ taskId: text({ min: 1, max: 64 }) });
export const taskListInput = z.object({ limit: int({ min: 1, max: 100 }).default(20) });

/** A task as both faces answer it. */
export interface TaskView {
  readonly taskId: string;
  readonly kind: string;
  readonly status: Task['status'];
  readonly progress: number;
  /** The kind's result once succeeded (an export's: rows, bytes, format, url, expires_at). */
  readonly result: unknown;
  readonly error: string | null;
  readonly attempts: number;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
}

export function viewOf(task: Task): TaskView {
  return {
    taskId: task.id,
    kind: task.kind,
    status: task.status,
    progress: task.progress,
    result: task.status === 'succeeded' ? task.result : null,
    error: task.error,
    attempts: task.attempts,
    createdAt: task.createdAt,
    startedAt: task.startedAt,
    finishedAt: task.finishedAt,
  };
}

function visible(ctx: OperationContext, task: Task | null): task is Task {
  return !!task && task.appId === ctx.app.id && (task.ownerUuid === '' || task.ownerUuid === ctx.member?.uuid);
}

export async function getTask(ctx: OperationContext, taskId: string): Promise<TaskView> {
  const task = await new TaskRecords(ctx.main).find(taskId);
  if (!visible(ctx, task)) throw businessError('TASK_MISSING', 'App.Task.Get');
  return viewOf(task);
}

/** The caller's newest tasks: the app's ownerless ones and the signed-in member's. */
export async function listTasks(ctx: OperationContext, limit: number): Promise<TaskView[]> {
  return (await new TaskRecords(ctx.main).list(ctx.app.id, ctx.member?.uuid ?? '', limit)).map(viewOf);
}

/** Cancels a queued or running task (a running export stops at its next chunk); err_code 2 once it has ended. */
export async function cancelTask(ctx: OperationContext, taskId: string): Promise<TaskView> {
  const records = new TaskRecords(ctx.main);
  const task = await records.find(taskId);
  if (!visible(ctx, task)) throw businessError('TASK_MISSING', 'App.Task.Cancel');
  if (!(await records.cancel(task.id))) {
    const now = await records.find(task.id);
    throw businessError('TASK_ENDED', { status: now?.status ?? task.status });
  }
  ctx.taskChanges.notify(task.id);
  return viewOf((await records.find(task.id))!);
}
