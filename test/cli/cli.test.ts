/** The CLI and `serve` as a user runs them: real processes over a real main store. */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dynamicSign } from '../../src/guards/sign.js';
import { freshDatabase, storeKinds, type FreshDatabase } from '../support/stores.js';
import { cli, firstStart, NODE_ARGS } from './process.js';

const kinds = await storeKinds();

describe.each(kinds)('yesgraph CLI on a %s main store', (kind) => {
  const dbs: FreshDatabase[] = [];
  afterAll(async () => {
    for (const d of dbs) await d.drop();
  });

  // Each step is a new process (as a user runs it): slow on a loaded two-core machine.
  it('creates and lists apps, registers and lists databases without showing passwords', { timeout: 120_000 }, async () => {
    const main = await freshDatabase(kind);
    dbs.push(main);
    await firstStart(main.url);
    const env = { DATABASE_URL: main.url };
    const created = cli(['app', 'create', '--name', 'shop', '--sign', 'static', '--json'], env);
    expect(created.code).toBe(0);
    const app = JSON.parse(created.stdout) as { app_key: string; app_secret: string; static_sign: string };
    expect(app.app_key).toMatch(/^[0-9A-F]{32}$/);
    expect(app.app_secret.length).toBeGreaterThanOrEqual(32);
    expect(app.static_sign).toMatch(/^[0-9A-F]{32}$/);

    const listed = JSON.parse(cli(['app', 'list', '--json'], env).stdout) as Array<{ app_key: string; sign: string }>;
    expect(listed).toEqual([{ app_key: app.app_key, name: 'shop', sign: 'static', status: 'active', demo: false }]);

    const owner = await freshDatabase('sqlite');
    dbs.push(owner);
    const absent = owner.url.replace(/test\.db$/, 'absent.db');
    const missing = cli(['db', 'add', 'db_test', absent], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`yesgraph: no SQLite database at ${absent.slice('sqlite:'.length)}: create it first\n`);
    expect(existsSync(absent.slice('sqlite:'.length))).toBe(false);

    const added = cli(['db', 'add', 'db_test', owner.url, '--table-prefix', 'yes_', '--json'], env);
    expect(added.code).toBe(0);
    const registration = { app_key: app.app_key, db_mark: 'db_test', engine: 'sqlite', url: owner.url, table_prefix: 'yes_' };
    expect(JSON.parse(added.stdout)).toEqual(registration);

    if (kind === 'mysql') {
      const withPassword = main.url.replace('root@', 'root:@');
      const secretUrl = withPassword.replace('root:@', 'root:hunter2@');
      const refused = cli(['db', 'add', 'db_pw', secretUrl, '--json'], env);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('does not answer');
      expect(refused.stderr).not.toContain('hunter2');
    }

    const dup = cli(['db', 'add', 'db_test', owner.url], env);
    expect(dup.code).toBe(2);
    expect(dup.stderr).toContain('db_mark db_test is already registered');

    // Each registration says which app it belongs to.
    expect(JSON.parse(cli(['db', 'list', '--json'], env).stdout)).toEqual([registration]);

    // A static app's calls carry its fixed sign (dynamic signing: test/cli/operator.test.ts).
    const signed = new URLSearchParams(cli(['sign', 's=App.Hello.World', 'name=小白 & co'], env).stdout.trim());
    expect([...signed]).toEqual([
      ['s', 'App.Hello.World'],
      ['name', '小白 & co'],
      ['app_key', app.app_key],
      ['sign', app.static_sign],
    ]);
  });
});

describe('yesgraph start-up', () => {
  it('stops with one clear line, before listening, on a bad or unreachable DATABASE_URL', { timeout: 60_000 }, () => {
    const bad = cli(['serve'], { DATABASE_URL: 'postgres://x/y', PORT: '0' });
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toContain('unsupported database URL');

    const down = cli(['serve'], { DATABASE_URL: 'mysql://root:pw@127.0.0.1:1/nope', PORT: '0' });
    expect(down.code).toBe(2);
    expect(down.stderr.trim().split('\n')).toHaveLength(1);
    expect(down.stderr).toContain('is not usable');
    expect(down.stderr).not.toContain(':pw@');
  });

  it('serves on a bare directory: creates ./data, the demo app, and prints a signed call that works', { timeout: 90_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'yesgraph-start-'));
    const port = 20000 + Math.floor(Math.random() * 20000);
    const child = spawn(process.execPath, [...NODE_ARGS, 'serve'], {
      cwd: dir,
      env: { ...process.env, PORT: String(port), YESGRAPH_SECRET_KEY: '', NODE_ENV: 'development', DATABASE_URL: '' },
    });
    try {
      let stderr = '';
      let stdout = '';
      child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
      await new Promise<void>((ok, fail) => {
        const timer = setTimeout(() => fail(new Error(`no banner: ${stderr} ${stdout}`)), 80_000);
        child.stderr.on('data', (b: Buffer) => {
          stderr += b.toString();
          if (stderr.includes('/graphql')) {
            clearTimeout(timer);
            ok();
          }
        });
        child.on('exit', () => fail(new Error(`exited: ${stderr} ${stdout}`)));
      });
      const url = /curl -s '([^']+)'/.exec(stderr)?.[1];
      expect(url).toContain(`http://127.0.0.1:${port}/?s=App.Hello.World`);
      const res = await fetch(url!);
      expect(await res.json()).toMatchObject({ ret: 200, data: { err_code: 0 } });
      expect(stdout).toContain('GraphiQL playground');
      expect(stdout).toContain('demo app present: remove it in production');
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);
      // The printed call is correctly signed: recompute it from the printed secret.
      const secret = /app_secret=([0-9a-f]+)/.exec(stderr)?.[1];
      const params = new URL(url!).searchParams;
      const sign = params.get('sign');
      params.delete('sign');
      expect(dynamicSign(new Map(params), secret!)).toBe(sign);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
