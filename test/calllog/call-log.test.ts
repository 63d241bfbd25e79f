/**
 * The call log through the real entry points: one entry per call, written in batches off the
 * request path (a batch row per app), one per operation of a GraphQL batch, nothing secret in any
 * row, flushed on close, nothing written when it is off, and a store that refuses a batch loses
 * only that batch.
 */
import type { Server } from 'node:http';
import { Writable } from 'node:stream';
import mysql from 'mysql2/promise';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { md5 } from '../../src/crypto.js';
import { sql } from '../../src/db/sql.js';
import type { Store } from '../../src/db/store.js';
import { payloadSign } from '../../src/guards/sign.js';
import { silentLogger } from '../../src/logger.js';
import { sqlDateTime } from '../../src/db/datetime.js';
import { migrate } from '../../src/db/migrate.js';
import { openStore } from '../../src/db/open.js';
import { CallLogRecords, CALLS_PER_BATCH, type CallRow, type LoggedCall } from '../../src/records/call-log.js';
import { CallLog, DEFAULT_BATCH_ROWS } from '../../src/telemetry/call-log.js';
import { CallLogPruner } from '../../src/telemetry/call-log-pruner.js';
import { Metrics } from '../../src/telemetry/metrics.js';
import { startRuntime } from '../../src/runtime.js';
import { createServer, listen } from '../../src/server.js';
import { BASE, signedParams, testConfig, useServer } from '../support/server.js';
import { countStatements, freshDatabase, storeKinds, useStore } from '../support/stores.js';

const kinds = await storeKinds();

const COLUMNS = ['id', 'first_at', 'last_at', 'app_key', 'calls', 'entries'];
const FIELDS = ['id', 'at', 'appKey', 'face', 'service', 'ret', 'errCode', 'durationUs', 'ip', 'memberUuid'];

async function batchRows(store: Store): Promise<Array<Record<string, unknown>>> {
  return store.query<Record<string, unknown>>(sql`SELECT * FROM yg_call_batch ORDER BY id`);
}

describe.each(kinds)('call log on %s', (kind) => {
  const t = useServer(kind, { callLogDays: 30 });

  async function rows(): Promise<LoggedCall[]> {
    await t.rt.calls.flush();
    return new CallLogRecords(t.rt.main).latest({ limit: 1_000_000 });
  }

  async function clear(): Promise<void> {
    await t.rt.calls.flush();
    await t.rt.main.execute(sql`DELETE FROM yg_call_batch`);
  }

  it('holds exactly one entry per call after 10,000 Hello calls from 16 concurrent callers over HTTP, written in batches', { timeout: 120_000 }, async () => {
    await clear();
    const http: Server = await listen(t.server, '127.0.0.1', 0);
    const { port } = http.address() as { port: number };
    const CALLERS = 16;
    const PER_CALLER = 625;
    try {
      const { result: answers, statements } = await countStatements(t.rt.main, async () => {
        const callers = Array.from({ length: CALLERS }, async (_, caller) => {
          const rets: number[] = [];
          for (let i = 0; i < PER_CALLER; i++) {
            const qs = signedParams({ s: 'App.Hello.World', name: `c${caller}n${i}` }, t.app);
            const res = await fetch(`http://127.0.0.1:${port}/?${qs}`);
            rets.push(((await res.json()) as { ret: number }).ret);
          }
          return rets;
        });
        const all = (await Promise.all(callers)).flat();
        await t.rt.calls.flush();
        return all;
      });
      expect(answers).toHaveLength(CALLERS * PER_CALLER);
      expect(answers.every((ret) => ret === 200)).toBe(true);

      const logged = await rows();
      expect(logged).toHaveLength(CALLERS * PER_CALLER);
      expect(new Set(logged.map((r) => r.id)).size).toBe(CALLERS * PER_CALLER);
      // Ids grow with every call, in the order the calls were written.
      expect(logged.every((r, i) => i === 0 || r.id > logged[i - 1]!.id)).toBe(true);
      for (const r of logged) {
        expect(r).toMatchObject({ appKey: t.app.appKey, face: 'legacy', service: 'App.Hello.World', ret: 200, errCode: 0, memberUuid: null });
        expect(r.ip).toMatch(/127\.0\.0\.1$/);
        expect(r.durationUs).toBeGreaterThan(0);
      }
      // Off the request path and batched: a few INSERTs of batch rows, never one per call.
      const inserts = statements.filter((s) => /^\s*INSERT INTO yg_call_batch/i.test(s));
      expect(inserts.length).toBeGreaterThan(0);
      expect(inserts.length).toBeLessThanOrEqual((CALLERS * PER_CALLER) / 50);
      const stored = await batchRows(t.rt.main);
      expect(stored.length).toBe(inserts.length);
      expect(stored.reduce((n, r) => n + Number(r.calls), 0)).toBe(CALLERS * PER_CALLER);
      expect(stored.every((r) => Number(r.calls) <= CALLS_PER_BATCH && r.app_key === t.app.appKey && String(r.first_at) <= String(r.last_at))).toBe(true);
      expect(t.rt.calls.pending).toBe(0);
    } finally {
      await new Promise((resolve) => http.close(resolve));
    }
  });

  it('keeps no secret, sign, token or password in any row: only its own columns', async () => {
    await clear();
    const other = await t.newApp();
    const password = md5('correct horse');
    await t.legacy({ s: 'App.User.Register', username: `u_${kind}`, password });
    const login = await t.legacy({ s: 'App.User.Login', username: `u_${kind}`, password });
    const session = { uuid: login.data.uuid as string, token: login.data.token as string };
    await t.legacy({ s: 'App.User.Check' }, { session });
    await t.fetch(new Request(`${BASE}/?${new URLSearchParams({ s: 'App.Hello.World', app_key: other.appKey, sign: 'WRONG'.padEnd(32, '0') })}`));
    const signed = await t.graphql('{ me { uuid } }', undefined, { session });
    expect(signed.errors).toBeUndefined();

    const logged = await rows();
    // Calls written together are stored app by app: each app's calls keep their order. The call
    // with a wrong sign names no app: its key is not taken on the caller's word.
    const own = logged.filter((r) => r.appKey === t.app.appKey);
    expect(own.map((r) => [r.face, r.service, r.ret, r.errCode])).toEqual([
      ['legacy', 'App.User.Register', 200, 0],
      ['legacy', 'App.User.Login', 200, 0],
      ['legacy', 'App.User.Check', 200, 0],
      ['graphql', 'query me', 200, null],
    ]);
    expect(logged.filter((r) => r.appKey !== t.app.appKey).map((r) => [r.appKey, r.face, r.service, r.ret, r.errCode])).toEqual([[null, 'legacy', 'App.Hello.World', 409, null]]);
    for (const r of logged) expect(Object.keys(r).sort()).toEqual([...FIELDS].sort());
    // The member is named by uuid, on both faces, once its session is checked.
    expect(own[2]!.memberUuid).toBe(session.uuid);
    expect(own[3]!.memberUuid).toBe(session.uuid);
    // What is stored, read as it is: its own columns, and no secret anywhere in them.
    const stored = await batchRows(t.rt.main);
    for (const r of stored) expect(Object.keys(r).sort()).toEqual([...COLUMNS].sort());
    expect(new Set(stored.map((r) => r.app_key))).toEqual(new Set([null, t.app.appKey]));
    const text = JSON.stringify(stored);
    for (const secret of [t.app.appSecret, other.appSecret, session.token, password, 'WRONG']) expect(text).not.toContain(secret);
  });

  it('logs one row per operation of a batched GraphQL request, each with its own ret', async () => {
    await clear();
    const body = JSON.stringify([
      { query: 'query One { hello(name: "one") }' },
      { query: '{ hello }' },
      { query: 'query Broken { nope }', operationName: 'Broken' },
    ]);
    const res = await t.fetch(
      new Request(`${BASE}/graphql`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', 'x-app-key': t.app.appKey, 'x-sign': payloadSign(body, t.app.appSecret) },
      }),
    );
    const answers = (await res.json()) as Array<{ data?: unknown; errors?: unknown[] }>;
    expect(answers).toHaveLength(3);
    expect(answers[0]).toEqual({ data: { hello: 'Hi one，欢迎使用小白开放接口！' } });
    expect(answers[2]!.errors).toHaveLength(1);

    const logged = await rows();
    expect(logged.map((r) => [r.appKey, r.face, r.service, r.ret])).toEqual([
      [t.app.appKey, 'graphql', 'query One', 200],
      [t.app.appKey, 'graphql', 'query hello', 200],
      [t.app.appKey, 'graphql', 'Broken', 400],
    ]);
  });

  it('stores a hostile service name cut to its column and well-formed, and no row for a CORS preflight', async () => {
    await clear();
    const body = `{"s": "App.X.\\ud800${'长'.repeat(300)}", "app_key": "${t.app.appKey}"}`;
    const res = await t.fetch(new Request(`${BASE}/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }));
    expect(((await res.json()) as { ret: number }).ret).toBe(404);
    const preflight = await t.fetch(new Request(`${BASE}/?s=App.Hello.World&yesapi_allow_origin=1`, { method: 'OPTIONS', headers: { origin: 'https://a.example' } }));
    expect(preflight.status).toBe(204);
    const logged = await rows();
    expect(logged).toHaveLength(1);
    expect(logged[0]!.service).toBe(`App.X.\ufffd${'长'.repeat(121)}`);
    expect(logged[0]!.ret).toBe(404);
  });

  it('writes what it holds when the runtime closes, before the next flush is due', async () => {
    const db = await freshDatabase(kind);
    try {
      const rt = await startRuntime(testConfig(db.url, { callLogDays: 30 }), silentLogger);
      const app = await rt.appRecords.create({ name: 'closing' });
      const server = createServer(rt);
      for (let i = 0; i < 3; i++) await server.fetch(new Request(`${BASE}/?${signedParams({ s: 'App.Hello.World' }, app)}`));
      expect(rt.calls.pending).toBe(3);
      await rt.close();
      const store = openStore(db.url);
      const [n] = await store.query<{ n: number | string }>(sql`SELECT SUM(calls) AS n FROM yg_call_batch`);
      await store.close();
      expect(Number(n!.n)).toBe(3);
    } finally {
      await db.drop();
    }
  });

  it('drops, counts and reports a batch the main store refuses, and keeps answering', async () => {
    const db = await freshDatabase(kind);
    const lines: Array<{ level: number; dropped?: number; msg: string }> = [];
    const log = pino({ level: 'warn' }, new Writable({ write: (chunk, _enc, done) => (lines.push(JSON.parse(String(chunk)) as (typeof lines)[number]), done()) }));
    try {
      const rt = await startRuntime(testConfig(db.url, { callLogDays: 30 }), log);
      const app = await rt.appRecords.create({ name: 'refused' });
      const server = createServer(rt);
      await rt.main.execute(sql`DROP TABLE yg_call_batch`);
      const res = await server.fetch(new Request(`${BASE}/?${signedParams({ s: 'App.Hello.World' }, app)}`));
      expect(((await res.json()) as { ret: number }).ret).toBe(200);
      await rt.calls.flush();
      expect(lines.filter((l) => l.msg.startsWith('call log'))).toEqual([expect.objectContaining({ level: 40, dropped: 1, msg: 'call log rows dropped: the main store refused a batch' })]);
      expect((await rt.metrics.registry.getSingleMetricAsString('yesgraph_call_log_dropped_total')).split('\n')).toContain('yesgraph_call_log_dropped_total 1');
      await rt.close();
    } finally {
      await db.drop();
    }
  });
});

describe.each(kinds)('call log off (YESGRAPH_CALL_LOG_DAYS=0) on %s', (kind) => {
  const t = useServer(kind, { callLogDays: 0 });

  it('writes nothing and sends no statement for it', async () => {
    const { statements } = await countStatements(t.rt.main, async () => {
      await t.legacy({ s: 'App.Hello.World' });
      await t.graphql('{ hello }');
      await t.rt.calls.flush();
    });
    expect(statements.filter((s) => s.includes('yg_call_batch'))).toEqual([]);
    const [n] = await t.rt.main.query<{ n: number | string }>(sql`SELECT COUNT(*) AS n FROM yg_call_batch`);
    expect(Number(n!.n)).toBe(0);
  });
});

describe.each(kinds)('call log upkeep on %s', (kind) => {
  const db = useStore(kind);

  function row(at: string, service = 'App.Hello.World'): CallRow {
    return { at, appKey: 'A'.repeat(32), face: 'legacy', service, ret: 200, errCode: 0, durationUs: 100, ip: '10.0.0.1', memberUuid: null };
  }

  it('prunes batch rows whose last call is older than the kept days, a few rows per statement, and only those', async () => {
    await migrate(db.store);
    await db.store.execute(sql`DELETE FROM yg_call_batch`);
    const records = new CallLogRecords(db.store);
    const now = new Date('2025-03-31T12:00:00Z');
    const daysAgo = (days: number) => sqlDateTime(new Date(now.getTime() - days * 86_400_000));
    const old = Array.from({ length: 35 }, (_, i) => row(daysAgo(31 + i)));
    const kept = Array.from({ length: 5 }, (_, i) => row(daysAgo(i), 'kept'));
    // One write each: 40 batch rows. A 41st row spans the limit: its last call keeps it whole.
    for (const call of [...kept, ...old]) await records.insert([call]);
    await records.insert([row(daysAgo(30.5), 'spanning'), row(daysAgo(29.5), 'spanning')]);
    const pruner = new CallLogPruner(records, 30, silentLogger, { firstMs: 3_600_000, batchRows: 10, pauseMs: 1 });
    try {
      const { result, statements } = await countStatements(db.store, () => pruner.prune(now));
      expect(result).toBe(35);
      expect(statements.filter((s) => /^\s*DELETE/i.test(s))).toHaveLength(4);
      const left = await records.latest({ limit: 100 });
      expect(left.map((r) => r.service)).toEqual(['kept', 'kept', 'kept', 'kept', 'kept', 'spanning', 'spanning']);
    } finally {
      await pruner.close();
    }
  });

  it('writes a full batch of one app in one INSERT of one row', async () => {
    await migrate(db.store);
    await db.store.execute(sql`DELETE FROM yg_call_batch`);
    const records = new CallLogRecords(db.store);
    const writer = new CallLog(records, silentLogger, new Metrics(), { flushMs: 60_000 });
    const { statements } = await countStatements(db.store, async () => {
      for (let i = 0; i < DEFAULT_BATCH_ROWS; i++) writer.record(row(sqlDateTime(new Date()), `s${i}`));
      await writer.close();
    });
    expect(statements.filter((s) => /^\s*INSERT INTO yg_call_batch/i.test(s))).toHaveLength(1);
    expect(await batchRows(db.store)).toHaveLength(1);
    expect((await records.latest({ limit: 1000 })).map((c) => c.service)).toEqual(Array.from({ length: DEFAULT_BATCH_ROWS }, (_, i) => `s${i}`));
  });

  it.runIf(kind === 'mysql')('drops what does not fit while the store is stalled, counts it, warns, and writes the rest once it answers', async () => {
    await migrate(db.store);
    await db.store.execute(sql`DELETE FROM yg_call_batch`);
    const records = new CallLogRecords(db.store);
    const lines: Array<{ dropped?: number; msg: string }> = [];
    const log = pino({ level: 'warn' }, new Writable({ write: (chunk, _enc, done) => (lines.push(JSON.parse(String(chunk)) as (typeof lines)[number]), done()) }));
    const metrics = new Metrics();
    const writer = new CallLog(records, log, metrics, { batchRows: 10, maxBuffered: 50, flushMs: 60_000 });
    const blocker = await mysql.createConnection({ uri: db.url });
    try {
      await blocker.query('LOCK TABLES yg_call_batch WRITE');
      let most = 0;
      for (let i = 0; i < 200; i++) {
        writer.record(row(sqlDateTime(new Date()), `s${i}`));
        most = Math.max(most, writer.pending);
        if (i % 20 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      }
      expect(most).toBe(50);
      await blocker.query('UNLOCK TABLES');
      await writer.close();
      const dropped = (await metrics.registry.getSingleMetricAsString('yesgraph_call_log_dropped_total')).split('\n').at(-1);
      expect(dropped).toBe('yesgraph_call_log_dropped_total 140');
      const warned = lines.filter((l) => l.msg.startsWith('call log rows dropped'));
      expect(warned.reduce((n, l) => n + (l.dropped ?? 0), 0)).toBe(140);
      expect(warned.length).toBeLessThanOrEqual(2);
      expect(await records.latest({ limit: 1000 })).toHaveLength(60);
    } finally {
      await blocker.end();
    }
  });
});

