/**
 * Redis going away under a running server (a redis-server of the test's own, killed, frozen and
 * started again; the shared one is never touched). YESGRAPH_REDIS_FAILURE=open counts in memory
 * meanwhile, closed answers 503 to calls that need a counter; either way no call waits long,
 * the outage is logged once, and counting goes back to Redis when it answers again.
 */
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.js';
import type { App } from '../../src/records/apps.js';
import { startRuntime, type Runtime } from '../../src/runtime.js';
import { createServer, type YesgraphServer } from '../../src/server.js';
import { BASE, signedParams, testConfig, type Envelope } from '../support/server.js';
import { freshDatabase } from '../support/stores.js';
import { PrivateRedis } from './support.js';

/** A call may wait for the timeout (500 ms) and a busy machine, never for Redis to come back. */
const NO_HANG_MS = 2_000;

interface Harness {
  rt: Runtime;
  server: YesgraphServer;
  logs: Array<{ level: number; msg: string }>;
  close(): Promise<void>;
}

async function start(redis: PrivateRedis, overrides: Partial<Config>): Promise<Harness> {
  const db = await freshDatabase('sqlite');
  const logs: Harness['logs'] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) logs.push(JSON.parse(line) as { level: number; msg: string });
      done();
    },
  });
  const rt = await startRuntime(testConfig(db.url, { redisUrl: redis.url, ...overrides }), pino({ level: 'warn' }, sink));
  return {
    rt,
    server: createServer(rt),
    logs,
    async close() {
      await rt.close();
      await db.drop();
    },
  };
}

/** A legacy Hello call: its ret and how long it took. */
async function hello(h: Harness, app: App): Promise<{ ret: number; ms: number; msg: string }> {
  const started = performance.now();
  const res = await h.server.fetch(new Request(`${BASE}/?${signedParams({ s: 'App.Hello.World' }, app)}`));
  const env = (await res.json()) as Envelope;
  return { ret: env.ret, msg: env.msg, ms: performance.now() - started };
}

async function calls(h: Harness, app: App, n: number) {
  const out = [];
  for (let i = 0; i < n; i++) out.push(await hello(h, app));
  return { rets: out.map((o) => o.ret), slowest: Math.max(...out.map((o) => o.ms)) };
}

const outageLogs = (h: Harness) => h.logs.filter((l) => l.msg.startsWith('Redis does not answer'));
const recoveryLogs = (h: Harness) => h.logs.filter((l) => l.msg.startsWith('Redis answers again'));

async function until(what: () => Promise<boolean> | boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await what())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('YESGRAPH_REDIS_FAILURE=open (the default)', () => {
  let redis: PrivateRedis;
  let h: Harness;
  let app: App;
  const used = async () => {
    const c = new Redis(redis.url);
    try {
      return Number((await c.get(`yesgraph:quota:${app.appKey}:${new Date().toISOString().slice(0, 7)}`)) ?? 0);
    } finally {
      c.disconnect();
    }
  };

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    h = await start(redis, {});
    app = await h.rt.appRecords.create({ name: 'metered' });
    await h.rt.appRecords.updateSettings(app.id, { quota: 6 });
  });

  afterAll(async () => {
    await h?.close();
    await redis?.stop();
  });

  it('counts in Redis while it answers', async () => {
    expect((await calls(h, app, 3)).rets).toEqual([200, 200, 200]);
    expect(await used()).toBe(3);
    expect(outageLogs(h)).toEqual([]);
  });

  it('killed: counts in this instance (from zero: the Redis count is out of reach), answers at once, logs once', async () => {
    await redis.stop();
    const during = await calls(h, app, 8);
    expect(during.rets).toEqual([200, 200, 200, 200, 200, 200, 413, 413]);
    expect(during.slowest).toBeLessThan(NO_HANG_MS);
    expect(outageLogs(h)).toHaveLength(1);
    expect(outageLogs(h)[0]).toMatchObject({ level: 50, msg: 'Redis does not answer: counting in this instance only until it does' });
  });

  it('started again: back to Redis (a new, empty one here), the recovery logged once', async () => {
    await redis.start();
    await until(async () => (await hello(h, app)).ret === 200 && recoveryLogs(h).length === 1);
    expect(await used()).toBe(1);
    expect((await calls(h, app, 6)).rets).toEqual([200, 200, 200, 200, 200, 413]);
    expect(await used()).toBe(6);
    expect(outageLogs(h)).toHaveLength(1);
    expect(recoveryLogs(h)).toHaveLength(1);
  });

  it('frozen (connected, never answering): each call waits only the timeout, then counts in memory; logged once each way', async () => {
    const fresh = await h.rt.appRecords.create({ name: 'frozen' });
    await h.rt.appRecords.updateSettings(fresh.id, { rate: { limit: 4, seconds: 3600 } });
    const [outages, recoveries] = [outageLogs(h).length, recoveryLogs(h).length];
    redis.pause();
    try {
      const during = await calls(h, fresh, 6);
      expect(during.rets).toEqual([200, 200, 200, 200, 414, 414]);
      expect(during.slowest).toBeLessThan(NO_HANG_MS);
      expect(outageLogs(h)).toHaveLength(outages + 1);
    } finally {
      redis.resume();
    }
    await until(async () => (await hello(h, app)) && recoveryLogs(h).length === recoveries + 1);
    expect(outageLogs(h)).toHaveLength(outages + 1);
  });
});

describe('YESGRAPH_REDIS_FAILURE=closed', () => {
  let redis: PrivateRedis;
  let h: Harness;
  let limited: App;
  let free: App;

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    h = await start(redis, { redisFailure: 'closed' });
    limited = await h.rt.appRecords.create({ name: 'limited' });
    await h.rt.appRecords.updateSettings(limited.id, { rate: { limit: 100, seconds: 1 } });
    free = await h.rt.appRecords.create({ name: 'free' });
  });

  afterAll(async () => {
    await h?.close();
    await redis?.stop();
  });

  it('refuses calls that need a counter with 503, at once; apps without limits are served', async () => {
    expect((await calls(h, limited, 2)).rets).toEqual([200, 200]);
    await redis.stop();
    const during = await calls(h, limited, 5);
    expect(during.rets).toEqual([503, 503, 503, 503, 503]);
    expect(during.slowest).toBeLessThan(NO_HANG_MS);
    expect((await hello(h, limited)).msg).toBe('客户端非法请求：服务暂时不可用，请稍后重试');
    expect((await calls(h, free, 3)).rets).toEqual([200, 200, 200]);
    expect(outageLogs(h)).toHaveLength(1);
    expect(outageLogs(h)[0]!.msg).toBe('Redis does not answer: refusing calls that need a counter (503) until it does');
  });

  it('GraphQL answers the 503 as SERVICE_UNAVAILABLE', async () => {
    const { payloadSign } = await import('../../src/guards/sign.js');
    const body = JSON.stringify({ query: '{ hello }' });
    const res = await h.server.fetch(
      new Request(`${BASE}/graphql`, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-app-key': limited.appKey, 'x-sign': payloadSign(body, limited.appSecret) } }),
    );
    expect(((await res.json()) as { errors: Array<{ extensions: unknown }> }).errors[0]!.extensions).toEqual({ code: 'SERVICE_UNAVAILABLE', ret: 503 });
  });

  it('serves again once Redis answers', async () => {
    await redis.start();
    await until(async () => (await hello(h, limited)).ret === 200);
    expect(recoveryLogs(h)).toHaveLength(1);
  });
});
