/**
 * The task worker of one instance: up to `taskConcurrency` tasks at once, claimed from the main
 * store with the skip-locked pop of src/records/tasks.ts, so the workers of every instance share
 * the queue and no task runs twice at once. A running task's lease is renewed at each checkpoint
 * and by a timer (a third of the lease), so only a worker that stopped (crash, SIGKILL) lets it
 * pass; another instance then takes the task up from its last checkpoint. A run that fails is
 * retried until it has run `taskAttempts` times; a refusal or business failure (the table is gone,
 * the app was disabled or expired after the task was queued) fails the task at once, with its
 * message. `close()` (runtime close, SIGTERM) stops claiming, lets running tasks reach their
 * next checkpoint and hands them back to the queue. A started worker also runs the cleaner
 * (src/tasks/cleaner.ts): expired export files, orphaned part files and old ended tasks are
 * deleted hourly. Each claim, checkpoint and end is told to progress streams (`taskChanges`).
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { Config } from '../config.js';
import { BusinessError, message, ProtocolError, refuse } from '../errors.js';
import { isExpired } from '../guards/app.js';
import type { Logger } from '../logger.js';
import type { OperationContext } from '../operations/context.js';
import type { TaskChanges } from '../operations/tasks/changes.js';
import { DATABASE_EXPORT } from '../operations/tasks/database-export.js';
import { TABLE_EXPORT } from '../operations/tasks/export.js';
import type { App, AppRecords } from '../records/apps.js';
import { TaskRecords, type Task } from '../records/tasks.js';
import type { Store } from '../db/store.js';
import { HandBack, TaskLost, type TaskHandler, type TaskRun } from './run.js';
import { TaskCleaner } from './cleaner.js';
import { runDatabaseExport, runTableExport } from './export-file.js';

/** How often an idle worker looks for queued tasks. */
const POLL_MS = 250;
/** How long a worker waits after the store failed to answer a claim. */
const BACKOFF_MS = 5000;

const HANDLERS: Record<string, TaskHandler> = {
  [TABLE_EXPORT]: runTableExport,
  [DATABASE_EXPORT]: runDatabaseExport,
};

export interface WorkerDeps {
  readonly config: Config;
  readonly log: Logger;
  readonly main: Store;
  readonly appRecords: AppRecords;
  readonly taskChanges: TaskChanges;
  readonly context: (app: App) => OperationContext;
}

export class TaskWorker {
  /** This worker's name in `lease_owner`: unique per instance and start. */
  readonly id = randomUUID().replace(/-/g, '');
  private readonly records: TaskRecords;
  private readonly running = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | null = null;
  private started = false;
  private stopping = false;
  private polling = false;
  private cleaner: TaskCleaner | null = null;

  constructor(private readonly deps: WorkerDeps) {
    this.records = new TaskRecords(deps.main);
  }

  private get leaseMs(): number {
    return this.deps.config.taskLeaseSeconds * 1000;
  }

  /** Starts claiming (a no-op with taskConcurrency 0 or once started). */
  start(): void {
    if (this.started || this.stopping || this.deps.config.taskConcurrency === 0) return;
    this.started = true;
    mkdirSync(this.deps.config.taskDir, { recursive: true });
    this.cleaner = new TaskCleaner(this.records, this.deps.config, this.deps.log);
    this.schedule(0);
  }

  /** How many tasks this worker runs now. */
  get active(): number {
    return this.running.size;
  }

  private schedule(ms: number): void {
    if (this.stopping) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.poll(), ms);
    this.timer.unref();
  }

  /** Claims tasks while there is room, then waits for the next poll. */
  private async poll(): Promise<void> {
    if (this.polling || this.stopping) return;
    this.polling = true;
    let next = POLL_MS;
    try {
      while (!this.stopping && this.running.size < this.deps.config.taskConcurrency) {
        const claim = await this.records.claim(this.id, this.leaseMs, this.deps.config.taskAttempts, (attempts) => message('TASK_ABANDONED', { attempts }));
        if (!claim) break;
        if ('exhausted' in claim) {
          this.deps.log.warn({ task: claim.exhausted.id, attempts: claim.exhausted.attempts }, 'task abandoned after its attempts');
          continue;
        }
        this.deps.taskChanges.notify(claim.task.id);
        const p: Promise<void> = this.run(claim.task).finally(() => {
          this.deps.taskChanges.notify(claim.task.id);
          this.running.delete(p);
          this.schedule(0);
        });
        this.running.add(p);
      }
    } catch (err) {
      // The store does not answer: say so once per back-off, not at every poll.
      this.deps.log.error({ err }, 'task claim failed');
      next = BACKOFF_MS;
    } finally {
      this.polling = false;
      this.schedule(next);
    }
  }

  private async run(task: Task): Promise<void> {
    const { log, config } = this.deps;
    const beat = setInterval(() => void this.records.heartbeat(task.id, this.id, this.leaseMs).catch(() => undefined), Math.max(500, this.leaseMs / 3));
    beat.unref();
    try {
      const handler = HANDLERS[task.kind];
      const appKey = await this.records.appKeyOf(task.appId);
      const app = appKey ? await this.deps.appRecords.findByKey(appKey) : null;
      if (!handler || !app) throw new Error(handler ? 'the task’s app is gone' : `no handler for task kind ${task.kind}`);
      // An app disabled or expired since the task was queued gets no more work done for it.
      if (app.status === 'disabled') throw refuse('APP_DISABLED');
      if (isExpired(app, Date.now())) throw refuse('APP_EXPIRED');
      const run: TaskRun = {
        task,
        ctx: this.deps.context(app),
        config,
        checkpoint: async (progress, checkpoint) => {
          if (!(await this.records.heartbeat(task.id, this.id, this.leaseMs, progress, checkpoint))) throw new TaskLost();
          this.deps.taskChanges.notify(task.id);
          if (this.stopping) throw new HandBack();
        },
      };
      const result = await handler(run);
      if (!(await this.records.succeed(task.id, this.id, result))) log.info({ task: task.id }, 'task finished after it was cancelled or taken up');
    } catch (err) {
      await this.settle(task, err);
    } finally {
      clearInterval(beat);
    }
  }

  private async settle(task: Task, err: unknown): Promise<void> {
    const { log, config } = this.deps;
    try {
      if (err instanceof HandBack) {
        await this.records.handBack(task.id, this.id);
        log.info({ task: task.id }, 'task handed back at its checkpoint');
      } else if (err instanceof TaskLost) {
        log.info({ task: task.id }, 'task stopped: cancelled, or taken up by another worker');
      } else if (err instanceof BusinessError || err instanceof ProtocolError) {
        await this.records.fail(task.id, this.id, err.message, false);
      } else {
        const errorId = randomUUID();
        log.error({ err, errorId, task: task.id, attempt: task.attempts }, 'task failed');
        await this.records.fail(task.id, this.id, message('TASK_FAULT', { errorId }), task.attempts < config.taskAttempts);
      }
    } catch (e) {
      log.error({ err: e, task: task.id }, 'task outcome not saved: the lease will pass and the task will be taken up again');
    }
  }

  /** Stops claiming; running tasks reach their next checkpoint and are handed back. */
  async close(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.cleaner?.close();
    while (this.polling || this.running.size) {
      if (this.running.size) await Promise.allSettled([...this.running]);
      else await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}
