/**
 * The operator's CLI beside a running server: apps brought over from the platform with their
 * keys, secrets shown and rotated, apps and registrations removed, and the runs that must be
 * refused (no store, a key that does not open the store). The CLI runs as real processes; the
 * server is started in-process over the same main store and called through `server.fetch`.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretBox } from '../../src/crypto.js';
import { DatabaseRegistry } from '../../src/db/registry.js';
import { dynamicSign } from '../../src/guards/sign.js';
import { silentLogger } from '../../src/logger.js';
import { startRuntime, type Runtime } from '../../src/runtime.js';
import { createServer, type YesgraphServer } from '../../src/server.js';
import { BASE, testConfig, type Envelope } from '../support/server.js';
import { freshDatabase, storeKinds, type FreshDatabase } from '../support/stores.js';
import { cli, CLI_KEY } from './process.js';

const kinds = await storeKinds();

// Keys in the platform's formats.
const PLATFORM_KEY = '0A1B2C3D4E5F60718293A4B5C6D7E8F9';
const PLATFORM_SECRET = 'pLaTfOrMsEcReT0123456789abcdefXYZ';
const STATIC_KEY = 'F9E8D7C6B5A4938271605F4E3D2C1B0A';
const STATIC_SIGN = '00112233445566778899AABBCCDDEEFF';

const REFUSED_KEY =
  'yesgraph: YESGRAPH_SECRET_KEY does not open the secrets this main store holds (they were sealed under another key): ' +
  'run with the YESGRAPH_SECRET_KEY the server uses';

/** A legacy Hello call as an SDK sends it, signed with `secret` (or carrying a static sign). */
async function hello(server: YesgraphServer, appKey: string, sign: { secret: string } | { fixed: string }): Promise<Envelope> {
  const params = new Map([
    ['s', 'App.Hello.World'],
    ['app_key', appKey],
    ['name', 'dogstar'],
  ]);
  params.set('sign', 'secret' in sign ? dynamicSign(params, sign.secret) : sign.fixed);
  return (await (await server.fetch(new Request(`${BASE}/?${new URLSearchParams([...params])}`))).json()) as Envelope;
}

function shownUrl(url: string): string {
  return url.startsWith('sqlite:') ? `sqlite:${resolve(url.slice('sqlite:'.length))}` : url;
}

describe.each(kinds)('operator commands on a %s main store', (kind) => {
  let main: FreshDatabase;
  let owner: FreshDatabase;
  let rt: Runtime;
  let server: YesgraphServer;
  let env: Record<string, string>;

  beforeAll(async () => {
    main = await freshDatabase(kind);
    owner = await freshDatabase('sqlite');
    rt = await startRuntime(testConfig(main.url, { secretKey: CLI_KEY }), silentLogger);
    server = createServer(rt);
    env = { DATABASE_URL: main.url };
  });
  afterAll(async () => {
    await rt?.close();
    await main?.drop();
    await owner?.drop();
  });

  it('imports apps with their platform keys: calls signed as before are answered', { timeout: 120_000 }, async () => {
    const imported = cli(['app', 'import', '--key', PLATFORM_KEY, '--secret', PLATFORM_SECRET, '--name', 'legacy', '--json'], env);
    expect(imported.stderr).toBe(`yesgraph: main store ${shownUrl(main.url)}, secret key from YESGRAPH_SECRET_KEY\n`);
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.stdout)).toEqual({ app_key: PLATFORM_KEY, name: 'legacy', sign: 'dynamic', status: 'active', demo: false });
    expect(await hello(server, PLATFORM_KEY, { secret: PLATFORM_SECRET })).toMatchObject({ ret: 200, data: { err_code: 0 } });
    // `yesgraph sign` signs as the SDKs do, with the stored secret.
    const signed = cli(['sign', '--app', PLATFORM_KEY, 's=App.Hello.World', 'name=小白 & co'], env);
    const answer = (await (await server.fetch(new Request(`${BASE}/?${signed.stdout.trim()}`))).json()) as Envelope;
    expect(answer).toMatchObject({ ret: 200, data: { err_code: 0, title: 'Hi 小白 & co，欢迎使用小白开放接口！' } });

    const fixed = cli(['app', 'import', '--key', STATIC_KEY, '--secret', PLATFORM_SECRET, '--static-sign', STATIC_SIGN], env);
    expect(fixed.code).toBe(0);
    expect(fixed.stdout).toBe(`app_key: ${STATIC_KEY}\nname: \nsign: static\nstatus: active\ndemo: false\n`);
    expect(await hello(server, STATIC_KEY, { fixed: STATIC_SIGN })).toMatchObject({ ret: 200, data: { err_code: 0 } });
    expect(await hello(server, STATIC_KEY, { fixed: 'F'.repeat(32) })).toMatchObject({ ret: 409 });

  });

  it('shows a secret only on request, rotates it, and removes registrations and apps', { timeout: 120_000 }, async () => {
    const shown = cli(['app', 'show', PLATFORM_KEY], env);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toBe(`app_key: ${PLATFORM_KEY}\nname: legacy\nsign: dynamic\nstatus: active\ndemo: false\n`);

    const rotated = cli(['app', 'rotate-secret', PLATFORM_KEY, '--env'], env);
    expect(rotated.code).toBe(0);
    const secret = /^APP_KEY='([0-9A-F]{32})'\nAPP_SECRET='([0-9a-f]{48})'\n$/.exec(rotated.stdout);
    expect(secret?.[1]).toBe(PLATFORM_KEY);
    expect(rotated.stderr).toContain(`the old secret of ${PLATFORM_KEY} no longer works`);
    rt.apps.forget(); // a running server notices within its app cache's few seconds
    expect(await hello(server, PLATFORM_KEY, { secret: PLATFORM_SECRET })).toMatchObject({ ret: 409 });
    expect(await hello(server, PLATFORM_KEY, { secret: secret![2]! })).toMatchObject({ ret: 200 });

    const withSecret = cli(['app', 'show', PLATFORM_KEY, '--secret', '--json'], env);
    expect(JSON.parse(withSecret.stdout)).toEqual({
      app_key: PLATFORM_KEY,
      name: 'legacy',
      sign: 'dynamic',
      status: 'active',
      demo: false,
      app_secret: secret![2],
    });

    expect(cli(['db', 'add', 'db_shop', owner.url, '--app', PLATFORM_KEY], env).code).toBe(0);
    const removed = cli(['db', 'remove', 'db_shop', '--app', PLATFORM_KEY], env);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toBe(`removed db_shop of app ${PLATFORM_KEY}\n`);
    expect(await rt.databases.list()).toEqual([]);
    const gone = cli(['db', 'remove', 'db_shop', '--app', PLATFORM_KEY], env);
    expect(gone.code).toBe(2);
    expect(gone.stderr).toContain(`yesgraph: app ${PLATFORM_KEY} has no db_mark db_shop\n`);

    const created = cli(['table', 'create', 'coupons', 'code:varchar(32)', 'state:int', '--index', 'state', '--app', PLATFORM_KEY], env);
    expect(created.code).toBe(0);
    const app = await rt.appRecords.findByKey(PLATFORM_KEY);
    const physical = `yt_${app!.id}_coupons`;
    expect((await rt.main.columns(physical))?.columns.map((c) => c.name)).toEqual(['id', 'uuid', 'add_time', 'update_time', 'ext_data', 'code', 'state']);
    const listed = cli(['table', 'list', '--app', PLATFORM_KEY, '--json'], env);
    expect((JSON.parse(listed.stdout) as Array<{ name: string }>).map((t) => t.name)).toEqual(['okayapi_message', 'coupons']);

    const removedApp = cli(['app', 'remove', PLATFORM_KEY], env);
    expect(removedApp.code).toBe(0);
    // Its hosted tables go with it (this process cached the table while it existed).
    rt.main.invalidateColumns(physical);
    expect(await rt.main.columns(physical)).toBeNull();
    expect(removedApp.stdout).toBe(`removed app ${PLATFORM_KEY} (legacy)\n`);
    expect(await rt.appRecords.findByKey(PLATFORM_KEY)).toBeNull();
    rt.apps.forget();
    expect(await hello(server, PLATFORM_KEY, { secret: secret![2]! })).toMatchObject({ ret: 406 });
  });

  it('refuses a key that opens nothing the store holds, and names registrations sealed under another key', { timeout: 120_000 }, async () => {
    const before = (await rt.appRecords.list()).length;
    const refused = cli(['app', 'create', '--name', 'stray'], { ...env, YESGRAPH_SECRET_KEY: 'not-the-server-key-0123' });
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr.split('\n').slice(1)).toEqual([REFUSED_KEY, '']);
    expect(await rt.appRecords.list()).toHaveLength(before);

    // What an earlier CLI run without the server's key left behind: a URL sealed under another key.
    const stray = new DatabaseRegistry(rt.main, new SecretBox('a-development-key-0123456789'));
    await stray.add((await rt.appRecords.findByKey(STATIC_KEY))!.id, 'db_stray', owner.url, '', { operator: true });
    const listed = cli(['db', 'list'], env);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toBe(`${STATIC_KEY}  db_stray  sqlite ${owner.url}\n`);
    expect(listed.stderr.split('\n')[1]).toBe(
      `yesgraph: db_mark db_stray of app ${STATIC_KEY} is sealed under another YESGRAPH_SECRET_KEY and every call on it fails: ` +
        `remove it (yesgraph db remove db_stray --app ${STATIC_KEY}) and add it again`,
    );
  });
});

describe('the CLI outside the server', () => {
  it('refuses to create a store: run from another directory, it says which store it looked for', { timeout: 60_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'yesgraph-elsewhere-'));
    try {
      const r = cli(['app', 'create', '--name', 'lost'], { DATABASE_URL: '' }, dir);
      const file = join(dir, 'data', 'yesgraph.db');
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(
        `yesgraph: main store sqlite:${file}, secret key from YESGRAPH_SECRET_KEY\n` +
          `yesgraph: the main store ${file} does not exist: run yesgraph from the server's directory, or set DATABASE_URL ` +
          `(and YESGRAPH_SECRET_KEY) as the server has them. Only yesgraph serve creates a new store.\n`,
      );
      expect(existsSync(file)).toBe(false);
      // Without the server's key either, it leaves no generated key file behind.
      const keyless = cli(['app', 'list'], { DATABASE_URL: '', YESGRAPH_SECRET_KEY: '' }, dir);
      expect(keyless.code).toBe(2);
      expect(keyless.stderr).toContain(`YESGRAPH_SECRET_KEY is not set and there is no ${join(dir, 'data', 'secret.key')}`);
      expect(existsSync(join(dir, 'data'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names the store it uses with the password hidden, and stops with one line when it does not answer', { timeout: 60_000 }, () => {
    const r = cli(['app', 'list'], { DATABASE_URL: 'mysql://ops:hunter2@127.0.0.1:1/yesgraph' });
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toBe('yesgraph: main store mysql://ops:***@127.0.0.1:1/yesgraph, secret key from YESGRAPH_SECRET_KEY');
    expect(lines[1]).toMatch(/^yesgraph: main store mysql:\/\/ops:\*\*\*@127\.0\.0\.1:1\/yesgraph is not usable: /);
    expect(lines).toHaveLength(2);
    expect(r.stderr).not.toContain('hunter2');
  });
});
