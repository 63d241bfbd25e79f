/**
 * Keeps the task directory and `yg_task` from growing for ever. Run hourly by every instance
 * whose task worker runs (first a minute after it starts):
 * - an export file is deleted once every link to it has expired: links are signed when the file
 *   is finished and live YESGRAPH_EXPORT_LINK_SECONDS, so a file last written longer ago than
 *   that (and a minute) can no longer be downloaded;
 * - a part file is deleted once its task is no longer queued or running (it ended, was
 *   cancelled, or is gone) and it has not been written for a lease: a resumed run needs it only
 *   while its task waits or runs;
 * - an ended task (succeeded, failed, cancelled) is deleted YESGRAPH_TASK_DAYS after it ended
 *   (0 keeps tasks), a batch at a time.
 * Instances cleaning at once only delete the same things twice over: files are removed with
 * `force`, rows by id.
 */
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../config.js';
import { sqlDateTime } from '../db/datetime.js';
import type { Logger } from '../logger.js';
import type { TaskRecords } from '../records/tasks.js';
import { Periodic, type PeriodicOptions } from '../telemetry/periodic.js';
import { EXPORT_FILE_NAME } from './download.js';
import { PART_FILE_NAME } from './export-file.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Slack on the link's lifetime: a link is signed just after its file's last write. */
const LINK_SLACK_MS = 60_000;
const BATCH = 500;

export interface Cleaned {
  readonly files: number;
  readonly parts: number;
  readonly tasks: number;
}

export class TaskCleaner {
  private readonly periodic: Periodic<Cleaned>;

  constructor(
    private readonly records: TaskRecords,
    private readonly config: Pick<Config, 'taskDir' | 'exportLinkSeconds' | 'taskLeaseSeconds' | 'taskDays'>,
    private readonly log: Logger,
    options: PeriodicOptions = {},
  ) {
    this.periodic = new Periodic('task cleaning', () => this.round(Date.now()), log, options);
  }

  /** One round now (or the one under way); answers what it deleted. */
  clean(): Promise<Cleaned> {
    return this.periodic.run();
  }

  private async round(now: number): Promise<Cleaned> {
    const { files, parts } = await this.cleanFiles(now);
    const tasks = await this.pruneTasks(now);
    if (files + parts + tasks) this.log.info({ files, parts, tasks }, 'task files and ended tasks cleaned');
    return { files, parts, tasks };
  }

  private async cleanFiles(now: number): Promise<{ files: number; parts: number }> {
    const dir = this.config.taskDir;
    const names = await readdir(dir).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return [] as string[];
      throw err;
    });
    const linksGone = now - this.config.exportLinkSeconds * 1000 - LINK_SLACK_MS;
    const idle = now - this.config.taskLeaseSeconds * 1000;
    let files = 0;
    const parts: { name: string; id: string }[] = [];
    for (const name of names) {
      const finished = EXPORT_FILE_NAME.exec(name);
      const part = PART_FILE_NAME.exec(name);
      if (!finished && !part) continue;
      const info = await stat(join(dir, name)).catch(() => null);
      if (!info?.isFile()) continue;
      if (finished && info.mtimeMs < linksGone) {
        await rm(join(dir, name), { force: true });
        files++;
      } else if (part && info.mtimeMs < idle) parts.push({ name, id: part[1]! });
    }
    let removed = 0;
    for (let i = 0; i < parts.length; i += BATCH) {
      const batch = parts.slice(i, i + BATCH);
      const waiting = await this.records.unfinished([...new Set(batch.map((p) => p.id))]);
      for (const p of batch) {
        if (waiting.has(p.id)) continue;
        await rm(join(dir, p.name), { force: true });
        removed++;
      }
    }
    return { files, parts: removed };
  }

  private async pruneTasks(now: number): Promise<number> {
    if (this.config.taskDays === 0) return 0;
    const before = sqlDateTime(new Date(now - this.config.taskDays * DAY_MS));
    let total = 0;
    for (;;) {
      const ids = await this.records.pruneEnded(before, BATCH);
      total += ids.length;
      if (ids.length < BATCH || this.periodic.stopped) return total;
    }
  }

  /** Stops the schedule; waits for a round under way. */
  close(): Promise<void> {
    return this.periodic.close();
  }
}
