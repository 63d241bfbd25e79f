/**
 * Word that a task moved (claimed, progressed, finished, failed, handed back, cancelled), so that
 * `taskProgress` streams answer at once instead of waiting for their next read of the store.
 * The word is only a wake-up: a stream still reads the task from the main store, and reads it
 * anyway every `fallbackMs` when no word came (a word lost, or a worker of an instance it never
 * reaches). In one process `LocalTaskChanges` carries it; with REDIS_URL, src/tasks/changes-redis.ts
 * carries it between instances over Redis pub/sub.
 */
import { EventEmitter } from 'node:events';

export interface TaskChanges {
  /** How long a stream waits for word before it reads the task anyway. */
  readonly fallbackMs: number;
  /** Says that the task moved, to every stream following it (on every instance, with Redis). */
  notify(taskId: string): void;
  /** Resolves when the task moves, or after `fallbackMs`, whichever comes first. */
  changed(taskId: string): Promise<void>;
  close(): Promise<void>;
}

/** Streams of other instances see a move within this without shared word (the store is read). */
export const LOCAL_FALLBACK_MS = 250;

export class LocalTaskChanges implements TaskChanges {
  private readonly events = new EventEmitter();

  constructor(readonly fallbackMs = LOCAL_FALLBACK_MS) {
    // One listener per open stream: as many as there are subscribers, not a leak.
    this.events.setMaxListeners(0);
  }

  notify(taskId: string): void {
    this.events.emit(taskId);
  }

  changed(taskId: string): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.events.off(taskId, done);
        resolve();
      };
      const timer = setTimeout(done, this.fallbackMs);
      this.events.once(taskId, done);
    });
  }

  async close(): Promise<void> {
    this.events.removeAllListeners();
  }
}
