/**
 * Keeps the call log to YESGRAPH_CALL_LOG_DAYS: every `everyMs` (first a minute after start, so
 * a short CLI run never prunes), rows older than that are deleted in batches of `batchRows`, with
 * a pause between batches so a large backlog never holds the main store for long. Instances
 * pruning at once only delete the same rows twice over: nothing to coordinate.
 */
import { sqlDateTime } from '../db/datetime.js';
import type { Logger } from '../logger.js';
import type { CallLogRecords } from '../records/call-log.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface PrunerOptions {
  readonly firstMs?: number;
  readonly everyMs?: number;
  readonly batchRows?: number;
  readonly pauseMs?: number;
}

export class CallLogPruner {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private stopped = false;
  private readonly everyMs: number;
  private readonly batchRows: number;
  private readonly pauseMs: number;

  constructor(
    private readonly records: CallLogRecords,
    private readonly days: number,
    private readonly log: Logger,
    options: PrunerOptions = {},
  ) {
    this.everyMs = options.everyMs ?? 60 * 60 * 1000;
    this.batchRows = options.batchRows ?? 1_000;
    this.pauseMs = options.pauseMs ?? 50;
    this.schedule(options.firstMs ?? 60_000);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.prune()
        .catch((err: unknown) => this.log.warn({ err }, 'call log pruning failed; retried at the next round'))
        .finally(() => this.schedule(this.everyMs));
    }, ms);
    this.timer.unref();
  }

  /** Deletes every row older than the kept days, batch by batch; answers how many. */
  prune(now = new Date()): Promise<number> {
    this.running ??= this.pruneAll(sqlDateTime(new Date(now.getTime() - this.days * DAY_MS))).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async pruneAll(before: string): Promise<number> {
    let total = 0;
    for (;;) {
      const deleted = await this.records.prune(before, this.batchRows);
      total += deleted;
      if (deleted < this.batchRows || this.stopped) break;
      await new Promise((resolve) => setTimeout(resolve, this.pauseMs));
    }
    if (total) this.log.info({ rows: total, before }, 'call log pruned');
    return total;
  }

  /** Stops the schedule; waits for a round under way (it stops after its current batch). */
  async close(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }
}
