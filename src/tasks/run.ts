/**
 * What a kind of task receives from the worker (src/tasks/worker.ts) and the two ways a run
 * stops early: the worker is shutting down (the task is handed back at its checkpoint), or the
 * worker no longer holds the task (cancelled, or taken up by another instance after the lease).
 */
import type { Config } from '../config.js';
import type { OperationContext } from '../operations/context.js';
import type { Task } from '../records/tasks.js';

export interface TaskRun {
  readonly task: Task;
  /** The task's app, as a call without a member. */
  readonly ctx: OperationContext;
  readonly config: Config;
  /**
   * Saves progress (0–100; it never goes down) and the checkpoint a later run resumes from,
   * and renews the lease. Throws HandBack when the worker is stopping, TaskLost when the task
   * is no longer this run's.
   */
  checkpoint(progress: number, checkpoint: unknown): Promise<void>;
}

/** A kind of task: runs it (from `run.task.checkpoint` when set) and answers its result. */
export type TaskHandler = (run: TaskRun) => Promise<unknown>;

export class HandBack extends Error {
  constructor() {
    super('the worker is stopping: the task goes back to the queue at its checkpoint');
    this.name = 'HandBack';
  }
}

export class TaskLost extends Error {
  constructor() {
    super('the task is no longer this worker’s (cancelled, or taken up after its lease passed)');
    this.name = 'TaskLost';
  }
}
