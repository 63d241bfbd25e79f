/**
 * The counters a runtime uses: in memory without REDIS_URL; with it, Redis behind the
 * documented fallback. Start-up waits briefly for the first connection so the first calls are
 * counted in Redis, but never fails for want of it: the fallback covers a Redis that is down
 * (and logs it).
 */
import type { Logger } from '../logger.js';
import type { Counters } from './counters.js';
import { FallbackCounters, type RedisFailureMode } from './counters-fallback.js';
import { MemoryCounters } from './counters-memory.js';
import { RedisCounters } from './counters-redis.js';

const FIRST_CONNECTION_MS = 2_000;

export async function openCounters(redisUrl: string | undefined, failure: RedisFailureMode, log: Logger): Promise<Counters> {
  if (!redisUrl) return new MemoryCounters();
  const redis = new RedisCounters(redisUrl);
  const counters = new FallbackCounters(redis, new MemoryCounters(), failure, log);
  await new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      // Stryker disable next-line StringLiteral: tidiness only; a second done() changes nothing
      redis.client.off('ready', done);
      resolve();
    };
    const timer = setTimeout(done, FIRST_CONNECTION_MS);
    redis.client.once('ready', done);
  });
  return counters;
}
