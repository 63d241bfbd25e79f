/**
 * Keeps the call log to YESGRAPH_CALL_LOG_DAYS: every `everyMs` (first a minute after start, so
 * a short CLI run never prunes), the call log's batch rows whose last call is older than that are
 * deleted `batchRows` at a time (100 rows: up to 51,200 calls), with a pause between deletes so
 * a large backlog never holds the main store for long. Instances pruning at once only delete the
 * same rows twice over: nothing to coordinate.
 */
import { sqlDateTime } from '../db/datetime.js';
import type { Logger } from '../logger.js';
import type { CallLogRecords } from '../records/call-log.js';
import { Periodic, type PeriodicOptions } from './periodic.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface PrunerOptions extends PeriodicOptions {
  readonly batchRows?: number;
  readonly pauseMs?: number;
}

export class CallLogPruner {
  private readonly periodic: Periodic<number>;
  private readonly batchRows: number;
  private readonly pauseMs: number;
  private before = '';

  constructor(
    private readonly records: CallLogRecords,
    private readonly days: number,
    private readonly log: Logger,
    options: PrunerOptions = {},
  ) {
    this.batchRows = options.batchRows ?? 100;
    this.pauseMs = options.pauseMs ?? 50;
    this.periodic = new Periodic('call log pruning', () => this.pruneAll(), log, options);
  }

  /** Deletes every row older than the kept days, batch by batch; answers how many. */
  prune(now = new Date()): Promise<number> {
    this.before = sqlDateTime(new Date(now.getTime() - this.days * DAY_MS));
    return this.periodic.run();
  }

  private async pruneAll(): Promise<number> {
    const before = this.before || sqlDateTime(new Date(Date.now() - this.days * DAY_MS));
    this.before = '';
    let total = 0;
    for (;;) {
      const deleted = await this.records.prune(before, this.batchRows);
      total += deleted;
      if (deleted < this.batchRows || this.periodic.stopped) break;
      await new Promise((resolve) => setTimeout(resolve, this.pauseMs));
    }
    if (total) this.log.info({ rows: total, before }, 'call log pruned');
    return total;
  }

  /** Stops the schedule; waits for a round under way (it stops after its current batch). */
  close(): Promise<void> {
    return this.periodic.close();
  }
}
