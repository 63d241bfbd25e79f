/**
 * The counters' contract, in memory and in Redis alike: a token bucket of `limit` tokens refilled
 * at `limit` per `seconds`, a capped count, a key accepted once. Concurrent callers (and, for
 * Redis, several clients as several instances would be) never get more than the limit.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { EventEmitter } from 'node:events';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { FallbackCounters } from '../../src/guards/counters-fallback.js';
import type { Logger } from '../../src/logger.js';
import type { Counters } from '../../src/guards/counters.js';
import { MemoryCounters } from '../../src/guards/counters-memory.js';
import { openCounters } from '../../src/guards/open-counters.js';
import { RedisCounters, RedisTimeoutError } from '../../src/guards/counters-redis.js';
import { ProtocolError } from '../../src/errors.js';
import { freePort, PrivateRedis, REDIS_URL, sharedRedis } from './support.js';

const redis = await sharedRedis();
const unique = () => `test:${randomBytes(8).toString('hex')}`;

async function connected(c: RedisCounters): Promise<RedisCounters> {
  if (!c.ready) await new Promise((resolve) => c.client.once('ready', resolve));
  return c;
}

describe('memory counters (a controlled clock)', () => {
  let now = 1_000_000;
  const c = new MemoryCounters(() => now);

  it('a bucket of 3 a second: 3 at once, then one per third of a second', async () => {
    const key = unique();
    const takes = async (n: number) => {
      const got: boolean[] = [];
      for (let i = 0; i < n; i++) got.push(await c.take(key, 3, 1));
      return got;
    };
    expect(await takes(4)).toEqual([true, true, true, false]);
    now += 300;
    expect(await takes(1)).toEqual([false]);
    now += 40;
    expect(await takes(2)).toEqual([true, false]);
    now += 10_000;
    expect(await takes(4)).toEqual([true, true, true, false]);
  });

  it('a limit lowered after the bucket filled holds at once: the bucket holds no more than the new limit', async () => {
    const key = unique();
    expect(await c.take(key, 100, 1)).toBe(true);
    expect([await c.take(key, 1, 3600), await c.take(key, 1, 3600)]).toEqual([true, false]);
  });

  it('a count of 10 takes 3+3+3, refuses 3 then takes 1; it starts over once expired', async () => {
    const key = unique();
    const spent = [];
    for (const cost of [3, 3, 3, 3, 1, 1]) spent.push(await c.spend(key, cost, 10, 60));
    expect(spent).toEqual([true, true, true, false, true, false]);
    now += 61_000;
    expect(await c.spend(key, 10, 10, 60)).toBe(true);
  });

  it('once: true the first time within the ttl, true again after it', async () => {
    const key = unique();
    expect([await c.once(key, 5), await c.once(key, 5)]).toEqual([true, false]);
    now += 5_001;
    expect(await c.once(key, 5)).toBe(true);
  });

  it('sweeps expired once-keys as the map grows', async () => {
    const sweep = new MemoryCounters(() => now);
    for (let i = 0; i < 12_000; i++) await sweep.once(`k${i}`, 1);
    now += 2_000;
    for (let i = 0; i < 10_000; i++) await sweep.once(`j${i}`, 1);
    expect((sweep as unknown as { seen: Map<string, number> }).seen.size).toBeLessThan(12_000);
  });

  it('sweeps exactly when the map reaches 10,000 keys, dropping those expired at that instant, and waits for twice the live keys next', async () => {
    const sweep = new MemoryCounters(() => now);
    const inside = sweep as unknown as { seen: Map<string, number>; sweepAt: number };
    for (let i = 0; i < 9_999; i++) await sweep.once(`old${i}`, 1);
    expect(inside.seen.size).toBe(9_999);
    now += 1_000; // every old key expires at exactly this instant
    await sweep.once('new0', 100);
    expect(inside.seen.size).toBe(1);
    expect(inside.sweepAt).toBe(10_000);
    for (let i = 1; i < 10_000; i++) await sweep.once(`new${i}`, 100);
    // 10,000 live keys: nothing to drop, and the next sweep waits until there are 20,000.
    expect(inside.seen.size).toBe(10_000);
    expect(inside.sweepAt).toBe(20_000);
  });

  it('expiries take effect at exactly their instant, not a millisecond later', async () => {
    const key = unique();
    expect(await c.once(key, 2)).toBe(true);
    now += 1_999;
    expect(await c.once(key, 2)).toBe(false);
    now += 1;
    expect(await c.once(key, 2)).toBe(true);
    const count = unique();
    expect(await c.spend(count, 5, 5, 2)).toBe(true);
    now += 1_999;
    expect(await c.spend(count, 1, 5, 2)).toBe(false);
    now += 1;
    expect(await c.spend(count, 5, 5, 2)).toBe(true);
  });

  it('a bucket refills only with time that passed: a clock going back neither adds nor loses tokens', async () => {
    const key = unique();
    expect(await c.take(key, 2, 1)).toBe(true);
    expect(await c.take(key, 2, 1)).toBe(true);
    now -= 5_000;
    expect(await c.take(key, 2, 1)).toBe(false);
    now += 5_000 + 499;
    expect(await c.take(key, 2, 1)).toBe(false);
    now += 1;
    expect(await c.take(key, 2, 1)).toBe(true);
    expect(await c.take(key, 2, 1)).toBe(false);
  });

  it('a cost of exactly what is left passes; one more is refused', async () => {
    const key = unique();
    expect(await c.spend(key, 7, 10, 60)).toBe(true);
    expect(await c.spend(key, 4, 10, 60)).toBe(false);
    expect(await c.spend(key, 3, 10, 60)).toBe(true);
    expect(await c.spend(key, 1, 10, 60)).toBe(false);
  });
});

const contract: Array<[string, () => Promise<Counters[]>]> = [['memory', async () => [new MemoryCounters()]]];
if (redis) {
  contract.push([
    'redis (three clients)',
    async () => Promise.all([new RedisCounters(REDIS_URL), new RedisCounters(REDIS_URL), new RedisCounters(REDIS_URL)].map(connected)),
  ]);
}

describe.each(contract)('%s counters under concurrency', (_name, open) => {
  let clients: Counters[] = [];
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
  });

  it('200 concurrent takes from a bucket of 25 refilled once an hour: exactly 25', async () => {
    clients = await open();
    const key = unique();
    const got = await Promise.all(Array.from({ length: 200 }, (_, i) => clients[i % clients.length]!.take(key, 25, 3600)));
    expect(got.filter(Boolean).length).toBe(25);
  });

  it('200 concurrent spends of cost 3 against 100: exactly 33 (99 units)', async () => {
    const key = unique();
    const got = await Promise.all(Array.from({ length: 200 }, (_, i) => clients[i % clients.length]!.spend(key, 3, 100, 60)));
    expect(got.filter(Boolean).length).toBe(33);
  });

  it('50 concurrent onces of one key: exactly one', async () => {
    const key = unique();
    const got = await Promise.all(Array.from({ length: 50 }, (_, i) => clients[i % clients.length]!.once(key, 30)));
    expect(got.filter(Boolean).length).toBe(1);
  });

  it('the bucket refills with time (10 a second)', async () => {
    const key = unique();
    const first = await Promise.all(Array.from({ length: 15 }, (_, i) => clients[i % clients.length]!.take(key, 10, 1)));
    expect(first.filter(Boolean).length).toBeGreaterThanOrEqual(10);
    expect(first.filter(Boolean).length).toBeLessThanOrEqual(11);
    await new Promise((r) => setTimeout(r, 350));
    const later = await Promise.all(Array.from({ length: 10 }, (_, i) => clients[i % clients.length]!.take(key, 10, 1)));
    // 350 ms at 10/s is 3.5 tokens (more if the machine was slow in between), never a full bucket.
    expect(later.filter(Boolean).length).toBeGreaterThanOrEqual(3);
    expect(later.filter(Boolean).length).toBeLessThan(10);
  });
});

describe.skipIf(!redis)('redis counters', () => {
  it('keep their keys under the yesgraph: prefix, with expiries', async () => {
    const c = await connected(new RedisCounters(REDIS_URL));
    try {
      const key = unique();
      await c.take(`rate:${key}`, 5, 60);
      await c.spend(`quota:${key}`, 2, 10, 100);
      await c.once(`once:${key}`, 30);
      const plain = new Redis(REDIS_URL);
      expect(await plain.hgetall(`yesgraph:rate:${key}`)).toMatchObject({ tokens: '4' });
      expect(await plain.get(`yesgraph:quota:${key}`)).toBe('2');
      expect(await plain.pttl(`yesgraph:rate:${key}`)).toBeGreaterThan(60_000);
      expect(await plain.ttl(`yesgraph:quota:${key}`)).toBeGreaterThan(90);
      expect(await plain.ttl(`yesgraph:once:${key}`)).toBeGreaterThan(20);
      plain.disconnect();
    } finally {
      await c.close();
    }
  });
});

/** A Redis stand-in: a client whose status and answers the test sets, counting the commands tried. */
class FakeRedis {
  readonly client = Object.assign(new EventEmitter(), { status: 'ready' });
  tried = 0;
  failing = false;
  closed = false;
  get ready() {
    return this.client.status === 'ready';
  }
  private async answer(value: boolean) {
    this.tried++;
    if (this.failing) throw new Error('Redis timed out');
    return value;
  }
  take() {
    return this.answer(true);
  }
  spend() {
    return this.answer(true);
  }
  once() {
    return this.answer(true);
  }
  async close() {
    this.closed = true;
  }
}

describe('the fallback in front of Redis (a stand-in Redis, a controlled clock)', () => {
  let now = 1_000_000;
  afterEach(() => {
    vi.restoreAllMocks();
  });

  function fallback(mode: 'open' | 'closed') {
    vi.spyOn(Date, 'now').mockImplementation(() => now);
    const redis = new FakeRedis();
    const memory = new MemoryCounters(() => now);
    const logs: Array<[string, unknown, string | undefined]> = [];
    const log = {
      error: (obj: unknown, msg?: string) => logs.push(['error', obj, msg]),
      warn: (obj: unknown, msg?: string) => logs.push(['warn', obj, msg]),
    } as unknown as Logger;
    const counters = new FallbackCounters(redis as never, memory, mode, log);
    return { redis, memory, logs, counters };
  }

  it('open: answers from Redis while it answers; after a failure counts in memory for exactly a second, then tries Redis again', async () => {
    const { redis, logs, counters } = fallback('open');
    expect(await counters.take('k', 1, 60)).toBe(true);
    expect(await counters.take('k', 1, 60)).toBe(true); // Redis' answer, not a bucket of 1 in memory
    expect(redis.tried).toBe(2);
    redis.failing = true;
    expect(await counters.spend('q', 1, 1, 60)).toBe(true); // memory
    expect(redis.tried).toBe(3);
    expect(logs.map((l) => l[0])).toEqual(['error']);
    now += 999;
    expect(await counters.spend('q', 1, 1, 60)).toBe(false); // memory again, without asking Redis: the count of 1 is spent
    expect(await counters.once('o', 60)).toBe(true);
    expect(await counters.once('o', 60)).toBe(false);
    expect(redis.tried).toBe(3);
    now += 1;
    redis.failing = false;
    expect(await counters.spend('q', 1, 1, 60)).toBe(true); // Redis again
    expect(redis.tried).toBe(4);
    expect(logs.map((l) => l[0])).toEqual(['error', 'warn']);
    expect(await counters.take('k', 1, 60)).toBe(true);
    expect(logs.length).toBe(2);
  });

  it('a new connection is tried at once, without waiting out the pause; the outage and the recovery are logged once each', async () => {
    const { redis, logs, counters } = fallback('open');
    redis.failing = true;
    await counters.take('k', 5, 60);
    await counters.take('k', 5, 60);
    redis.client.emit('error', new Error('connection reset'));
    expect(logs.length).toBe(1);
    expect(redis.tried).toBe(1);
    redis.failing = false;
    redis.client.emit('ready');
    expect(await counters.take('k', 5, 60)).toBe(true);
    expect(redis.tried).toBe(2);
    expect(logs.map((l) => l[0])).toEqual(['error', 'warn']);
  });

  it('a connection error is an outage, logged once, before any command', async () => {
    const { redis, logs } = fallback('open');
    redis.client.emit('error', new Error('ECONNREFUSED'));
    redis.client.emit('error', new Error('ECONNREFUSED'));
    expect(logs.length).toBe(1);
    expect(logs[0]![1]).toMatchObject({ err: expect.objectContaining({ message: 'ECONNREFUSED' }) });
  });

  it('a connection that is not ready is not asked, and counts as an outage', async () => {
    const { redis, logs, counters } = fallback('open');
    redis.client.status = 'reconnecting';
    expect(await counters.take('k', 1, 60)).toBe(true);
    expect(await counters.take('k', 1, 60)).toBe(false); // memory's bucket of 1
    expect(redis.tried).toBe(0);
    expect(logs.length).toBe(1);
    expect(logs[0]![1]).toMatchObject({ redisFailure: 'open', err: expect.objectContaining({ message: 'Redis connection reconnecting' }) });
  });

  it('closed: refuses with 503 while Redis does not answer, whether failing or not connected', async () => {
    const { redis, logs, counters } = fallback('closed');
    expect(await counters.once('o', 60)).toBe(true);
    redis.failing = true;
    const refusal = await counters.take('k', 1, 60).catch((err: unknown) => err);
    expect(refusal).toBeInstanceOf(ProtocolError);
    expect(refusal).toMatchObject({ ret: 503, message: '客户端非法请求：服务暂时不可用，请稍后重试' });
    redis.failing = false;
    redis.client.status = 'connecting';
    await expect(counters.spend('q', 1, 1, 60)).rejects.toMatchObject({ ret: 503 });
    expect(logs.length).toBe(1);
    expect(logs[0]![1]).toMatchObject({ redisFailure: 'closed' });
  });

  it('closes Redis and memory both', async () => {
    const { redis, memory, counters } = fallback('open');
    redis.client.status = 'end';
    await counters.spend('q', 3, 3, 60);
    await counters.close();
    expect(redis.closed).toBe(true);
    expect(await memory.spend('q', 3, 3, 60)).toBe(true); // memory's count was cleared
  });
});

describe('openCounters', () => {
  const log = { error: () => undefined, warn: () => undefined } as unknown as Logger;

  it('is memory without a Redis URL', async () => {
    expect(await openCounters(undefined, 'open', log)).toBeInstanceOf(MemoryCounters);
    expect(await openCounters('', 'closed', log)).toBeInstanceOf(MemoryCounters);
  });

  it.skipIf(!redis)('waits for the first connection, then counts in Redis', async () => {
    const started = performance.now();
    const counters = await openCounters(REDIS_URL, 'closed', log);
    const waited = performance.now() - started;
    try {
      // It went on at the first connection, not at the two seconds' limit.
      expect(waited).toBeLessThan(1_500);
      expect(counters).toBeInstanceOf(FallbackCounters);
      // Closed mode refuses unless Redis answers: a counter answered at once means it was connected.
      const key = unique();
      expect(await counters.once(key, 30)).toBe(true);
      expect(await counters.once(key, 30)).toBe(false);
    } finally {
      await counters.close();
    }
  });

  it('does not fail for want of Redis: it gives up waiting after two seconds', async () => {
    const port = await freePort();
    const started = performance.now();
    const counters = await openCounters(`redis://127.0.0.1:${port}`, 'open', log);
    const waited = performance.now() - started;
    try {
      expect(waited).toBeGreaterThanOrEqual(1_900);
      expect(waited).toBeLessThan(4_000);
      expect(await counters.take(unique(), 1, 60)).toBe(true);
    } finally {
      await counters.close();
    }
  });
});

describe('redis counters against a redis-server of their own', () => {
  it('fail at once while nothing listens, and after the timeout while Redis hangs; reconnect by themselves; close for good', async () => {
    const server = await PrivateRedis.start();
    const c = new RedisCounters(server.url);
    try {
      await connected(c);
      expect(await c.take(unique(), 2, 60)).toBe(true);
      // Hung: the call fails after REDIS_COMMAND_TIMEOUT_MS, not later, with its own error.
      server.pause();
      let started = performance.now();
      const hung = await c.take(unique(), 2, 60).catch((err: unknown) => err);
      const waited = performance.now() - started;
      server.resume();
      expect(hung).toBeInstanceOf(RedisTimeoutError);
      expect(waited).toBeGreaterThanOrEqual(490);
      // Well before ioredis' own limit (2 s); a loaded machine may add a few hundred ms.
      expect(waited).toBeLessThan(1_900);
      // Gone: nothing is queued for a connection to come, the call fails at once.
      await server.stop();
      for (let i = 0; i < 100 && c.ready; i++) await new Promise((r) => setTimeout(r, 10));
      started = performance.now();
      await expect(c.spend(unique(), 1, 5, 60)).rejects.toThrow();
      // Before the 500 ms timeout could have answered it.
      expect(performance.now() - started).toBeLessThan(450);
      // Back on the same port: the client reconnects by itself.
      await server.start();
      for (let i = 0; i < 100 && !c.ready; i++) await new Promise((r) => setTimeout(r, 50));
      expect(c.ready).toBe(true);
      expect(await c.once(unique(), 30)).toBe(true);
    } finally {
      await c.close();
      await server.stop();
    }
    // disconnect() ends the connection as its socket closes.
    for (let i = 0; i < 100 && c.client.status !== 'end'; i++) await new Promise((r) => setTimeout(r, 10));
    expect(c.client.status).toBe('end');
  }, 30_000);
});
