/**
 * `yesgraph log tail/stats` and `yesgraph app trust` as an operator runs them: real CLI
 * processes over the main store a server (in-process, called through server.fetch) writes its
 * call log into and reads trusted documents from.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { md5 } from '../../src/crypto.js';
import { payloadSign } from '../../src/guards/sign.js';
import { silentLogger } from '../../src/logger.js';
import type { App } from '../../src/records/apps.js';
import { startRuntime, type Runtime } from '../../src/runtime.js';
import { createServer, type YesgraphServer } from '../../src/server.js';
import { BASE, signedParams, testConfig } from '../support/server.js';
import { freshDatabase, storeKinds, type FreshDatabase } from '../support/stores.js';
import { cli, CLI_KEY, NODE_ARGS } from '../cli/process.js';

const kinds = await storeKinds();

describe.each(kinds)('yesgraph log and app trust on a %s main store', (kind) => {
  let main: FreshDatabase;
  let rt: Runtime;
  let server: YesgraphServer;
  let app: App;
  let env: Record<string, string>;
  const dir = mkdtempSync(join(tmpdir(), 'yesgraph-trust-'));

  beforeAll(async () => {
    main = await freshDatabase(kind);
    rt = await startRuntime(testConfig(main.url, { secretKey: CLI_KEY, callLogDays: 30 }), silentLogger);
    server = createServer(rt);
    app = await rt.appRecords.create({ name: 'logged' });
    env = { DATABASE_URL: main.url };
  });

  afterAll(async () => {
    await rt.close();
    await main.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function legacy(params: Record<string, string>, who = app): Promise<number> {
    return ((await (await server.fetch(new Request(`${BASE}/?${signedParams(params, who)}`))).json()) as { ret: number }).ret;
  }

  async function graphql(body: unknown): Promise<unknown> {
    const text = JSON.stringify(body);
    const headers = { 'content-type': 'application/json', 'x-app-key': app.appKey, 'x-sign': payloadSign(text, app.appSecret) };
    return (await server.fetch(new Request(`${BASE}/graphql`, { method: 'POST', headers, body: text }))).json();
  }

  it('tails the newest calls and shows per-service figures', { timeout: 120_000 }, async () => {
    const other = await rt.appRecords.create({ name: 'other' });
    for (let i = 0; i < 5; i++) expect(await legacy({ s: 'App.Hello.World', name: `n${i}` })).toBe(200);
    expect(await legacy({ s: 'App.Hello.World' }, other)).toBe(200);
    // A refusal once the app is known (a uuid naming no member), and a business failure.
    expect(await legacy({ s: 'App.Hello.World', uuid: 'A'.repeat(32), token: 'b'.repeat(64) })).toBe(400);
    expect(await legacy({ s: 'App.User.Login', username: 'nobody', password: md5('x') })).toBe(200);
    expect(await graphql({ query: 'query Greet { hello }' })).toEqual({ data: { hello: expect.any(String) } });
    await rt.calls.flush();

    const tail = cli(['log', 'tail', '--app', app.appKey, '--json'], env);
    expect(tail.stderr).not.toContain('Error');
    expect(tail.code).toBe(0);
    const calls = tail.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(calls.map((c) => [c.face, c.service, c.ret])).toEqual([
      ...Array.from({ length: 5 }, () => ['legacy', 'App.Hello.World', 200]),
      ['legacy', 'App.Hello.World', 400],
      ['legacy', 'App.User.Login', 200],
      ['graphql', 'query Greet', 200],
    ]);
    for (const c of calls) expect(Object.keys(c).sort()).toEqual(['appKey', 'at', 'durationUs', 'errCode', 'face', 'id', 'ip', 'memberUuid', 'ret', 'service']);

    // Every app: the other app's call too. Calls written together come app by app, so find the line.
    const every = cli(['log', 'tail', '--limit', '20'], env);
    expect(every.code).toBe(0);
    const lines = every.stdout.trim().split('\n');
    expect(lines).toHaveLength(9);
    expect(lines.filter((l) => l.includes(other.appKey))).toHaveLength(1);
    expect(lines.find((l) => l.includes('graphql'))).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d  ${app.appKey}  graphql  query Greet  ret=200  err_code=-  \\d+\\.\\dms  ip=-  member=-$`));

    const stats = cli(['log', 'stats', '--app', app.appKey, '--json'], env);
    expect(stats.code).toBe(0);
    const report = JSON.parse(stats.stdout) as { calls: number; refused: number; failed: number; quota_used: number; services: Array<Record<string, unknown>> };
    expect(report).toMatchObject({ calls: 8, refused: 1, failed: 1, quota_used: 7 });
    expect(report.services.map((s) => [s.face, s.service, s.calls, s.refused, s.failed])).toEqual([
      ['legacy', 'App.Hello.World', 6, 1, 0],
      ['graphql', 'query Greet', 1, 0, 0],
      ['legacy', 'App.User.Login', 1, 0, 1],
    ]);
    for (const s of report.services) expect(Number(s.p99Us)).toBeGreaterThanOrEqual(Number(s.p50Us));

    const text = cli(['log', 'stats', '--app', app.appKey, '--since', '1h'], env);
    expect(text.code).toBe(0);
    expect(text.stdout.split('\n').slice(0, 5)).toEqual([
      expect.stringMatching(new RegExp(`^app ${app.appKey} since .+ UTC: 8 calls, 1 refused, 1 failed$`)),
      expect.stringMatching(/^face +service +calls +refused +failed +p50 ms +p99 ms$/),
      expect.stringMatching(/^legacy +App\.Hello\.World +6 +1 +0 +\d+\.\d +\d+\.\d$/),
      expect.stringMatching(/^graphql +query Greet +1 +0 +0 +\d+\.\d +\d+\.\d$/),
      expect.stringMatching(/^legacy +App\.User\.Login +1 +0 +1 +\d+\.\d +\d+\.\d$/),
    ]);
    expect(text.stdout).toContain('quota used this month: 7 (estimated from the call log since ');

    const bad = cli(['log', 'stats', '--app', app.appKey, '--since', 'yesterday'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--since must be like');
  });

  it('follows new calls as the server logs them, until interrupted', { timeout: 120_000 }, async () => {
    const child = spawn(process.execPath, [...NODE_ARGS, 'log', 'tail', '--app', app.appKey, '--limit', '1', '--follow', '--json'], {
      env: { ...process.env, YESGRAPH_SECRET_KEY: CLI_KEY, LOG_LEVEL: 'silent', NODE_ENV: 'development', ...env },
    });
    let stdout = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    const lines = () => stdout.split('\n').filter(Boolean);
    const until = async (n: number) => {
      const deadline = Date.now() + 60_000;
      while (lines().length < n) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`follow printed ${lines().length} lines, not ${n}: ${stdout}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    try {
      await until(1);
      for (const name of ['f1', 'f2']) await legacy({ s: 'App.Hello.World', name });
      await rt.calls.flush();
      await until(3);
      expect(lines().map((l) => (JSON.parse(l) as { face: string }).face)).toEqual(['graphql', 'legacy', 'legacy']);
    } finally {
      child.kill('SIGTERM');
    }
    const code = await new Promise((r) => child.once('exit', (c) => r(c)));
    expect(code).toBe(0);
  });

  it('loads trusted documents from a persisted-documents.json, after which only they run, by id; --clear lifts it', { timeout: 120_000 }, async () => {
    const file = join(dir, `persisted-documents-${kind}.json`);
    writeFileSync(file, JSON.stringify({ abc123: 'query Greet { hello }', def456: '{ nope }' }));
    const invalid = cli(['app', 'trust', app.appKey, file], env);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain('document def456 does not run on this schema: Cannot query field "nope" on type "Query".');

    writeFileSync(file, JSON.stringify({ abc123: 'query Greet { hello }', 'sha256:fed': 'query Me { me { uuid } }' }));
    const loaded = cli(['app', 'trust', app.appKey, file], env);
    expect(loaded.code).toBe(0);
    expect(loaded.stdout).toBe(`trusted 2 documents for app ${app.appKey}: its GraphQL calls run only these, by id\n`);
    expect(cli(['app', 'trust', app.appKey], env).stdout).toBe('abc123\nsha256:fed\n');

    // A running server sees the change within a minute at most (its caches' lifetime).
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 61_000);
      expect(await graphql({ documentId: 'abc123' })).toEqual({ data: { hello: expect.any(String) } });
      expect(await graphql({ query: 'query Greet { hello }' })).toMatchObject({ errors: [{ extensions: { code: 'BAD_REQUEST', ret: 400 } }] });
    } finally {
      vi.useRealTimers();
    }

    const cleared = cli(['app', 'trust', app.appKey, '--clear', '--json'], env);
    expect(JSON.parse(cleared.stdout)).toEqual({ app_key: app.appKey, removed: 2 });
    expect(cli(['app', 'trust', app.appKey], env).stdout).toBe(`app ${app.appKey} has no trusted documents: it may run any GraphQL operation\n`);
  });
});
