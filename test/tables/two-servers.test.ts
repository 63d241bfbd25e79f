/**
 * Exactly-once across processes: two real yesgraph servers (`yesgraph serve`) over one
 * MariaDB main store, 16 callers over real HTTP popping 5000 rows until err_code 3. The table
 * is defined with the CLI, as an app owner does.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/db/open.js';
import { ident, sql } from '../../src/db/sql.js';
import type { Store } from '../../src/db/store.js';
import { cli, CLI_KEY, firstStart, NODE_ARGS } from '../cli/process.js';
import { signedParams, type Envelope } from '../support/server.js';
import { freshDatabase, storeKinds, type FreshDatabase } from '../support/stores.js';
import { insertRows } from './support.js';
import type { App } from '../../src/records/apps.js';
import { freePort } from '../support/ports.js';

const kinds = (await storeKinds()).filter((k) => k === 'mysql');


async function serve(url: string, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...NODE_ARGS, 'serve'], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), DATABASE_URL: url, YESGRAPH_SECRET_KEY: CLI_KEY, NODE_ENV: 'production', LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  });
  for (let i = 0; i < 200; i++) {
    try {
      await fetch(`http://127.0.0.1:${port}/?s=App.Hello.World`);
      return child;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  child.kill();
  throw new Error(`server on ${port} did not start`);
}

describe.skipIf(!kinds.length)('FreePopOne across two server processes over one MariaDB', () => {
  let db: FreshDatabase;
  let store: Store;
  let app: App;
  const servers: ChildProcess[] = [];
  const ports: number[] = [];

  beforeAll(async () => {
    db = await freshDatabase('mysql');
    await firstStart(db.url);
    const env = { DATABASE_URL: db.url };
    expect(cli(['app', 'create', '--json'], env).code).toBe(0);
    const made = cli(['table', 'create', 'coupon', 'code:varchar(16)', 'state:int', '--index', 'state'], env);
    expect([made.code, made.stdout]).toEqual([0, expect.stringContaining('created table coupon of app')]);
    store = openStore(db.url);
    const [row] = await store.query<{ id: number; app_key: string }>(sql`SELECT id, app_key FROM yg_app WHERE is_demo = 0`);
    const { AppRecords } = await import('../../src/records/apps.js');
    const { SecretBox } = await import('../../src/crypto.js');
    app = (await new AppRecords(store, new SecretBox(CLI_KEY)).findByKey(row!.app_key))!;
    await insertRows(store, `yt_${app.id}_coupon`, Array.from({ length: 5000 }, (_, i) => ({ code: `c${i}`, state: 0 })));
    for (let i = 0; i < 2; i++) {
      ports.push(await freePort());
      servers.push(await serve(db.url, ports[i]!));
    }
  }, 120_000);

  afterAll(async () => {
    for (const s of servers) s.kill();
    await store?.close();
    await db?.drop();
  });

  it('answers every row exactly once to 16 callers spread over both servers', async () => {
    const seen: string[] = [];
    const others: unknown[] = [];
    const caller = async (i: number) => {
      const port = ports[i % 2]!;
      for (;;) {
        const body = signedParams({ s: 'App.Table.FreePopOne', model_name: 'coupon', where: '[["state","=",0]]', data: '{"state":1}', fields: 'code' }, app);
        const res = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
        const env = (await res.json()) as Envelope;
        if (env.ret === 200 && env.data.err_code === 0) seen.push((env.data.data as { code: string }).code);
        else if (env.ret === 200 && env.data.err_code === 3) return;
        else return void others.push(env);
      }
    };
    await Promise.all(Array.from({ length: 16 }, (_, i) => caller(i)));
    expect(others).toEqual([]);
    expect(seen.length).toBe(5000);
    expect(new Set(seen).size).toBe(5000);
    const [left] = await store.query<{ n: number | string }>(sql`SELECT COUNT(*) AS n FROM ${ident(`yt_${app.id}_coupon`)} WHERE state = 0`);
    expect(Number(left!.n)).toBe(0);
  }, 180_000);
});
