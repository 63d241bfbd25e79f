/**
 * The counters' contract, in memory and in Redis alike: a token bucket of `limit` tokens refilled
 * at `limit` per `seconds`, a capped count, a key accepted once. Concurrent callers (and, for
 * Redis, several clients as several instances would be) never get more than the limit.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import type { Counters } from '../../src/guards/counters.js';
import { MemoryCounters } from '../../src/guards/counters-memory.js';
import { RedisCounters } from '../../src/guards/counters-redis.js';
import { REDIS_URL, sharedRedis } from './support.js';

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
