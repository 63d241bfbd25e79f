/**
 * Redis counters with the documented fallback (YESGRAPH_REDIS_FAILURE). While Redis does not
 * answer, `open` (the default) counts in this process's memory, so each instance still holds
 * callers to the limits on its own; `closed` refuses every call that needs a counter with
 * COUNTERS_UNAVAILABLE (503). Apps with no rate, quota or replay window never need one.
 *
 * Nothing waits for Redis: a command is tried only while the connection is ready, fails after
 * a short timeout, and after a failure Redis is left alone for a second (or until it is ready
 * again). The outage is logged once when it starts and once when Redis first answers again.
 * Counts made in memory during an outage are not carried over to Redis.
 */
import { refuse } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Counters } from './counters.js';
import type { RedisCounters } from './counters-redis.js';

export type RedisFailureMode = 'open' | 'closed';

/** How long Redis is left alone after a failed command while its connection still looks ready. */
const PAUSE_AFTER_FAILURE_MS = 1_000;

export class FallbackCounters implements Counters {
  private down = false;
  private pausedUntil = 0;

  constructor(
    private readonly redis: RedisCounters,
    private readonly memory: Counters,
    private readonly mode: RedisFailureMode,
    private readonly log: Logger,
  ) {
    redis.client.on('error', (err: Error) => this.isDown(err));
    // A new connection is worth a try at once.
    redis.client.on('ready', () => (this.pausedUntil = 0));
  }

  private answered(): void {
    if (!this.down) return;
    this.down = false;
    // Stryker disable next-line StringLiteral: log text
    this.log.warn('Redis answers again: rate, quota and replay counters are shared again');
  }

  /** A command failed: Redis is left alone for a while, and the outage logged if it is new. */
  private failed(err: unknown): void {
    this.pausedUntil = Date.now() + PAUSE_AFTER_FAILURE_MS;
    this.isDown(err);
  }

  private isDown(err: unknown): void {
    if (this.down) return;
    this.down = true;
    // Stryker disable next-line StringLiteral,ConditionalExpression,EqualityOperator: log text
    const fallback = this.mode === 'open' ? 'counting in this instance only' : 'refusing calls that need a counter (503)';
    // Stryker disable next-line StringLiteral: log text
    this.log.error({ err, redisFailure: this.mode }, `Redis does not answer: ${fallback} until it does`);
  }

  private async run<T>(use: (c: Counters) => Promise<T>): Promise<T> {
    if (!this.redis.ready) this.isDown(new Error(`Redis connection ${this.redis.client.status}`));
    else if (Date.now() >= this.pausedUntil) {
      try {
        const result = await use(this.redis);
        this.answered();
        return result;
      } catch (err) {
        this.failed(err);
      }
    }
    if (this.mode === 'closed') throw refuse('COUNTERS_UNAVAILABLE');
    return use(this.memory);
  }

  take(key: string, limit: number, seconds: number): Promise<boolean> {
    return this.run((c) => c.take(key, limit, seconds));
  }

  spend(key: string, cost: number, limit: number, ttlSeconds: number): Promise<boolean> {
    return this.run((c) => c.spend(key, cost, limit, ttlSeconds));
  }

  once(key: string, ttlSeconds: number): Promise<boolean> {
    return this.run((c) => c.once(key, ttlSeconds));
  }

  async close(): Promise<void> {
    await Promise.all([this.redis.close(), this.memory.close()]);
  }
}
