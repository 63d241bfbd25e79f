/**
 * A housekeeping chore on a timer: first `firstMs` after start (so a short CLI run never does
 * it), then every `everyMs`, one round at a time, until closed. A round that fails is logged
 * and tried again at the next; `run()` starts one now, or joins the one under way. The timer
 * never keeps the process alive. The call log pruner and the task cleaner run on it.
 */
import type { Logger } from '../logger.js';

export interface PeriodicOptions {
  readonly firstMs?: number;
  readonly everyMs?: number;
}

export class Periodic<T> {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<T> | null = null;
  private closed = false;
  private readonly everyMs: number;

  constructor(
    /** What the log says failed, e.g. 'call log pruning'. */
    private readonly what: string,
    private readonly round: () => Promise<T>,
    private readonly log: Logger,
    options: PeriodicOptions = {},
  ) {
    this.everyMs = options.everyMs ?? 60 * 60 * 1000;
    this.schedule(options.firstMs ?? 60_000);
  }

  /** True once closed: a long round checks it between its steps and stops. */
  get stopped(): boolean {
    return this.closed;
  }

  private schedule(ms: number): void {
    if (this.closed) return;
    this.timer = setTimeout(() => {
      void this.run()
        .catch((err: unknown) => this.log.warn({ err }, `${this.what} failed; tried again at the next round`))
        .finally(() => this.schedule(this.everyMs));
    }, ms);
    this.timer.unref();
  }

  /** One round now, or the round under way. */
  run(): Promise<T> {
    this.running ??= this.round().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** Stops the schedule; waits for a round under way. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }
}
