/**
 * The call log's writer: calls are recorded into an in-memory buffer and written off the request
 * path, a batch at a time: a full batch (`batchRows` calls) as soon as it is waiting, and what is
 * short of one every `flushMs`. The buffer is bounded: while the main store is slower than the
 * calls, rows beyond `maxBuffered` are dropped, counted (`yesgraph_call_log_dropped_total`) and
 * reported in a warning at most every `warnEveryMs`, rather than growing without bound; a batch
 * the store refuses is dropped the same way. `close()` (runtime close) writes what is left.
 */
import type { Logger } from '../logger.js';
import { CALLS_PER_BATCH, type CallLogRecords, type CallRow } from '../records/call-log.js';
import type { Metrics } from './metrics.js';

/**
 * Calls of a full batch, written as soon as they wait: the records store them as one row per app
 * (src/records/call-log.ts), so a full batch of one app's calls is one row of one INSERT.
 */
export const DEFAULT_BATCH_ROWS = CALLS_PER_BATCH;

export interface CallLogOptions {
  readonly flushMs?: number;
  readonly batchRows?: number;
  readonly maxBuffered?: number;
  readonly warnEveryMs?: number;
}

export class CallLog {
  private buffer: CallRow[] = [];
  private writing: Promise<void> | null = null;
  private readonly timer: NodeJS.Timeout | null = null;
  private closed = false;
  /** A flush asked for the rows short of a full batch too. */
  private due = false;
  /** Rows dropped since the last warning. */
  private unreported = 0;
  private lastWarning = 0;
  private readonly batchRows: number;
  private readonly maxBuffered: number;
  private readonly warnEveryMs: number;

  /** `records` null: the call log is off (YESGRAPH_CALL_LOG_DAYS=0) and nothing is kept. */
  constructor(
    private readonly records: CallLogRecords | null,
    private readonly log: Logger,
    private readonly metrics: Metrics,
    options: CallLogOptions = {},
  ) {
    this.batchRows = options.batchRows ?? DEFAULT_BATCH_ROWS;
    this.maxBuffered = options.maxBuffered ?? 20_000;
    this.warnEveryMs = options.warnEveryMs ?? 10_000;
    if (records) {
      this.timer = setInterval(() => void this.flush(), options.flushMs ?? 1_000);
      this.timer.unref();
    }
  }

  get enabled(): boolean {
    return this.records !== null;
  }

  /** Rows waiting to be written. */
  get pending(): number {
    return this.buffer.length;
  }

  record(row: CallRow): void {
    if (!this.records || this.closed) return;
    if (this.buffer.length >= this.maxBuffered) {
      this.drop(1, null);
      return;
    }
    this.buffer.push(row);
    if (this.buffer.length >= this.batchRows) void this.write();
  }

  /**
   * Writes every row waiting now (rows that arrive meanwhile wait for the next round); joins a
   * write under way. The timer calls it every `flushMs`, close() once more.
   */
  async flush(): Promise<void> {
    this.due = this.buffer.length > 0;
    // A write under way may have made its last check already: wait for it, then write what is left.
    while (this.writing) await this.writing;
    if (!this.buffer.length) return;
    this.due = true;
    await this.write();
  }

  private write(): Promise<void> {
    const records = this.records;
    if (!records) return Promise.resolve();
    if (!this.writing && this.buffer.length) {
      this.writing = this.drain(records).finally(() => {
        this.writing = null;
        if (this.buffer.length >= this.batchRows) void this.write();
      });
    }
    return this.writing ?? Promise.resolve();
  }

  /** Full batches while there are any; the remainder too when a flush is due, then it waits for the next. */
  private async drain(records: CallLogRecords): Promise<void> {
    while (this.buffer.length >= this.batchRows || (this.due && this.buffer.length)) {
      if (this.buffer.length <= this.batchRows) this.due = false;
      const rows = this.buffer.splice(0, this.batchRows);
      try {
        await records.insert(rows);
        this.metrics.callLogWritten.inc(rows.length);
      } catch (err) {
        this.drop(rows.length, err);
      }
    }
    this.due = false;
  }

  private drop(rows: number, err: unknown): void {
    this.metrics.callLogDropped.inc(rows);
    this.unreported += rows;
    const now = Date.now();
    if (err === null && now - this.lastWarning < this.warnEveryMs) return;
    this.lastWarning = now;
    const why = err === null ? `more than ${this.maxBuffered} rows wait for the main store` : 'the main store refused a batch';
    this.log.warn({ dropped: this.unreported, ...(err === null ? {} : { err }) }, `call log rows dropped: ${why}`);
    this.unreported = 0;
  }

  /** Stops recording and writes what is left. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await this.flush();
    if (this.unreported) this.log.warn({ dropped: this.unreported }, 'call log rows dropped');
  }
}
