/**
 * Task moves carried between instances over Redis pub/sub (REDIS_URL): `notify` wakes this
 * instance's streams at once and publishes the task id on one channel; every instance's
 * subscriber wakes its own streams following that id. While Redis is away nothing fails: a
 * publish is dropped (no offline queue), ioredis reconnects and resubscribes by itself, and
 * streams read the store every `fallbackMs` meanwhile.
 */
import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import { LocalTaskChanges, type TaskChanges } from '../operations/tasks/changes.js';

export const TASK_CHANNEL = 'yesgraph:task-moved';
/** With shared word, a stream reads the store on its own only this often. */
const SHARED_FALLBACK_MS = 2_000;
const TASK_ID = /^[0-9a-f]{32}$/;

export class RedisTaskChanges implements TaskChanges {
  readonly fallbackMs = SHARED_FALLBACK_MS;
  private readonly local = new LocalTaskChanges(SHARED_FALLBACK_MS);
  private readonly publisher: Redis;
  private readonly subscriber: Redis;

  constructor(url: string, log: Logger) {
    const options = { enableOfflineQueue: false, maxRetriesPerRequest: 0, lazyConnect: false, retryStrategy: (n: number) => Math.min(n * 200, 1000) };
    this.publisher = new Redis(url, options);
    // A subscriber's commands are queued until it connects, so SUBSCRIBE survives a slow start.
    this.subscriber = new Redis(url, { ...options, enableOfflineQueue: true, maxRetriesPerRequest: null });
    for (const client of [this.publisher, this.subscriber]) client.on('error', () => undefined);
    this.subscriber.subscribe(TASK_CHANNEL).catch((err: unknown) => log.warn({ err }, 'task progress: Redis subscription failed; streams read the store every 2 s'));
    this.subscriber.on('message', (_channel: string, id: string) => {
      if (TASK_ID.test(id)) this.local.notify(id);
    });
  }

  notify(taskId: string): void {
    this.local.notify(taskId);
    this.publisher.publish(TASK_CHANNEL, taskId).catch(() => undefined);
  }

  changed(taskId: string): Promise<void> {
    return this.local.changed(taskId);
  }

  async close(): Promise<void> {
    await this.local.close();
    this.publisher.disconnect();
    this.subscriber.disconnect();
  }
}
