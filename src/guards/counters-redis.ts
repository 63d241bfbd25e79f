/**
 * The counters in Redis (REDIS_URL), shared by every instance. Each check-and-update is one Lua
 * script, which Redis runs atomically, so there is no read-then-write race between instances.
 * The token bucket reads Redis' own clock (TIME), so instances with skewed clocks agree.
 *
 * Commands never wait for a connection: no offline queue (a command while disconnected fails at
 * once), a short timeout, no retry of a command in flight. ioredis reconnects by itself; what to
 * do meanwhile is FallbackCounters' business.
 */
import { Redis } from 'ioredis';
import type { Counters } from './counters.js';

/** How long a call waits for Redis' answer before it counts as failed (the fallback then answers). */
export const REDIS_COMMAND_TIMEOUT_MS = 500;
/** When ioredis itself gives up on a command that never got an answer (a hung Redis). */
const ABANDON_MS = 2_000;

export class RedisTimeoutError extends Error {
  constructor() {
    // Stryker disable next-line StringLiteral: log text (the fallback logs it; callers never see it)
    super(`Redis did not answer within ${REDIS_COMMAND_TIMEOUT_MS} ms`);
  }
}

/**
 * `command`, or a RedisTimeoutError after REDIS_COMMAND_TIMEOUT_MS. The timeout is decided in the
 * event loop's check phase, after its poll phase has read the sockets: an answer that arrived
 * while this process was busy (a loaded machine) still wins over a timer that fell due meanwhile.
 */
function timed<T>(command: Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => setImmediate(() => reject(new RedisTimeoutError())), REDIS_COMMAND_TIMEOUT_MS);
    command.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}

const TAKE = `
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1])
local at = tonumber(state[2])
if tokens == nil or at == nil then
  tokens = limit
  at = now
end
if now > at then
  tokens = tokens + (now - at) * limit / window
  at = now
end
tokens = math.min(limit, tokens)
local taken = 0
if tokens >= 1 then
  tokens = tokens - 1
  taken = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(at))
redis.call('PEXPIRE', KEYS[1], window + 1000)
return taken
`;

const SPEND = `
local cost = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
if used + cost > limit then
  return 0
end
redis.call('INCRBY', KEYS[1], cost)
if redis.call('TTL', KEYS[1]) < 0 then
  redis.call('EXPIRE', KEYS[1], ARGV[3])
end
return 1
`;

interface Scripts {
  ygTake(key: string, limit: number, windowMs: number): Promise<number>;
  ygSpend(key: string, cost: number, limit: number, ttlSeconds: number): Promise<number>;
}

export class RedisCounters implements Counters {
  readonly client: Redis;
  private readonly scripts: Scripts;

  constructor(url: string) {
    this.client = new Redis(url, {
      keyPrefix: 'yesgraph:',
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: ABANDON_MS,
      connectTimeout: 1_000,
      // Reconnect for ever, at most a second apart, so the counters come back with Redis.
      // Stryker disable next-line MethodExpression,ArithmeticOperator: the pacing of reconnects; a test would time the machine, not the code
      retryStrategy: (times) => Math.min(times * 100, 1_000),
    });
    this.client.defineCommand('ygTake', { numberOfKeys: 1, lua: TAKE });
    this.client.defineCommand('ygSpend', { numberOfKeys: 1, lua: SPEND });
    this.scripts = this.client as unknown as Scripts;
  }

  /** Whether commands can be sent now (connected and past the ready check). */
  get ready(): boolean {
    return this.client.status === 'ready';
  }

  async take(key: string, limit: number, seconds: number): Promise<boolean> {
    return (await timed(this.scripts.ygTake(key, limit, seconds * 1000))) === 1;
  }

  async spend(key: string, cost: number, limit: number, ttlSeconds: number): Promise<boolean> {
    return (await timed(this.scripts.ygSpend(key, cost, limit, ttlSeconds))) === 1;
  }

  async once(key: string, ttlSeconds: number): Promise<boolean> {
    return (await timed(this.client.set(key, '1', 'EX', ttlSeconds, 'NX'))) === 'OK';
  }

  async close(): Promise<void> {
    this.client.disconnect();
  }
}
