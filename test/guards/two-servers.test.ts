/**
 * One quota and one rate across instances: two real yesgraph servers (`yesgraph serve`) over one
 * MariaDB main store and one Redis, limits set with the CLI, 16 callers over real HTTP sending a
 * bounded number of calls to both servers on both faces. The calls answered equal the limit
 * exactly. Without Redis the same servers count apart and answer twice as many.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { payloadSign } from '../../src/guards/sign.js';
import { cli, CLI_KEY, firstStart, NODE_ARGS } from '../cli/process.js';
import { signedParams, type Envelope } from '../support/server.js';
import { freshDatabase, storeKinds, type FreshDatabase } from '../support/stores.js';
import { freePort, REDIS_URL, request, sharedRedis } from './support.js';

const ready = (await storeKinds()).includes('mysql') && (await sharedRedis());

interface Keys {
  app_key: string;
  app_secret: string;
}

async function serve(url: string, redisUrl: string | null): Promise<{ child: ChildProcess; port: number }> {
  const port = await freePort();
  const child = spawn(process.execPath, [...NODE_ARGS, 'serve'], {
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: url,
      YESGRAPH_SECRET_KEY: CLI_KEY,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      REDIS_URL: redisUrl ?? '',
    },
    stdio: 'ignore',
  });
  for (let i = 0; i < 300; i++) {
    try {
      await fetch(`http://127.0.0.1:${port}/healthz`);
      return { child, port };
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  child.kill();
  throw new Error(`server on ${port} did not start`);
}

/** One call on `port`, legacy or GraphQL; its ret. */
async function call(port: number, keys: Keys, graphql: boolean): Promise<number> {
  if (!graphql) {
    const app = { appKey: keys.app_key, appSecret: keys.app_secret };
    const res = await request(`http://127.0.0.1:${port}/?${signedParams({ s: 'App.Hello.World' }, app as never)}`);
    return (JSON.parse(res.text) as Envelope).ret;
  }
  const body = JSON.stringify({ query: '{ hello }' });
  const res = await request(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', 'x-app-key': keys.app_key, 'x-sign': payloadSign(body, keys.app_secret) },
  });
  const answer = JSON.parse(res.text) as { errors?: Array<{ extensions: { ret: number } }> };
  return answer.errors ? answer.errors[0]!.extensions.ret : 200;
}

/** `total` calls from 16 callers, spread over the ports and both faces; the rets counted. */
async function hammer(ports: number[], keys: Keys, total: number): Promise<Record<number, number>> {
  const counts: Record<number, number> = {};
  let next = 0;
  const caller = async () => {
    for (let i = next++; i < total; i = next++) {
      const ret = await call(ports[i % ports.length]!, keys, Math.floor(i / ports.length) % 2 === 1);
      counts[ret] = (counts[ret] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: 16 }, caller));
  return counts;
}

describe.skipIf(!ready)('limits shared by two server processes', () => {
  let db: FreshDatabase;
  const env = () => ({ DATABASE_URL: db.url });
  const servers: ChildProcess[] = [];
  const shared: number[] = [];
  const apart: number[] = [];

  const newApp = (...settings: string[]): Keys => {
    const keys = JSON.parse(cli(['app', 'create', '--json'], env()).stdout) as Keys;
    const set = cli(['app', 'set', keys.app_key, ...settings], env());
    expect(set.code, set.stderr).toBe(0);
    return keys;
  };

  beforeAll(async () => {
    db = await freshDatabase('mysql');
    await firstStart(db.url);
    for (const [ports, redis] of [
      [shared, REDIS_URL],
      [apart, null],
    ] as const) {
      for (let i = 0; i < 2; i++) {
        const s = await serve(db.url, redis);
        servers.push(s.child);
        ports.push(s.port);
      }
    }
  }, 180_000);

  afterAll(async () => {
    for (const s of servers) s.kill();
    await db?.drop();
  });

  it('a quota of 50: of 160 calls to both servers, exactly 50 answered, 110 refused with 413', async () => {
    const counts = await hammer(shared, newApp('--quota', '50'), 160);
    expect(counts).toEqual({ 200: 50, 413: 110 });
  }, 120_000);

  it('a rate of 30 an hour: of 120 calls to both servers, exactly 30 answered, 90 refused with 414', async () => {
    const counts = await hammer(shared, newApp('--rate', '30/h'), 120);
    expect(counts).toEqual({ 200: 30, 414: 90 });
  }, 120_000);

  it('without Redis each server counts alone: twice the quota', async () => {
    const counts = await hammer(apart, newApp('--quota', '20'), 100);
    expect(counts).toEqual({ 200: 40, 413: 60 });
  }, 120_000);
});
