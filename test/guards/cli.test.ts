/**
 * `yesgraph app set` and `app show` as an operator runs them (real processes), beside a server
 * started in-process over the same main store: every setting written, shown, changed, cleared,
 * each mistake refused with the option named, and the server holding callers to what was set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { payloadSign } from '../../src/guards/sign.js';
import { silentLogger } from '../../src/logger.js';
import type { App } from '../../src/records/apps.js';
import { startRuntime, type Runtime } from '../../src/runtime.js';
import { createServer, type YesgraphServer } from '../../src/server.js';
import { cli, CLI_KEY } from '../cli/process.js';
import { BASE, signedParams, testConfig, type Envelope } from '../support/server.js';
import { freshDatabase, type FreshDatabase } from '../support/stores.js';

describe('app set and app show', () => {
  let db: FreshDatabase;
  let rt: Runtime;
  let server: YesgraphServer;
  let app: App;
  let env: Record<string, string>;

  beforeAll(async () => {
    db = await freshDatabase('sqlite');
    rt = await startRuntime(testConfig(db.url, { secretKey: CLI_KEY }), silentLogger);
    server = createServer(rt);
    app = await rt.appRecords.create({ name: 'guarded' });
    env = { DATABASE_URL: db.url };
  });

  afterAll(async () => {
    await rt?.close();
    await db?.drop();
  });

  const set = (...args: string[]) => cli(['app', 'set', app.appKey, ...args], env);
  const hello = async (remoteAddress = '198.51.100.7') =>
    ((await (await server.fetch(new Request(`${BASE}/?${signedParams({ s: 'App.Hello.World' }, app)}`), { remoteAddress })).json()) as Envelope).ret;

  it('sets every guard at once and shows what is set', { timeout: 60_000 }, async () => {
    const r = set(
      '--ip-deny',
      '203.0.113.0/24, 2001:DB8::/32',
      '--ip-allow',
      '198.51.100.0/24,::ffff:192.0.2.0/120',
      '--expires',
      '2030-01-02',
      '--quota',
      '100000',
      '--rate',
      '20/min',
      '--service-off',
      'app.market_message.post,App.Table.Delete',
      '--cost',
      'App.DB_MsSQL_Data.FreeTree=5,App.Hello.World=0',
      '--replay-window',
      '300',
    );
    expect(r.stderr).toContain('yesgraph: running servers apply it within 5 seconds');
    const expected = [
      `app_key: ${app.appKey}`,
      'name: guarded',
      'sign: dynamic',
      'status: active',
      'demo: false',
      'expires: 2030-01-02 00:00:00 UTC',
      'ip_deny: 203.0.113.0/24,2001:db8::/32',
      'ip_allow: 198.51.100.0/24,192.0.2.0/24',
      'quota: 100000',
      'rate: 20/min',
      'services_off: App.Market_Message.Post,App.Table.Delete',
      'costs: App.DB_MsSQL_Data.FreeTree=5,App.Hello.World=0',
      'replay_window: 300',
      '',
    ].join('\n');
    expect([r.code, r.stdout]).toEqual([0, expected]);
    expect(cli(['app', 'show', app.appKey], env).stdout).toBe(expected);
    expect(JSON.parse(cli(['app', 'show', app.appKey, '--json'], env).stdout)).toMatchObject({ rate: '20/min', quota: 100000, replay_window: 300 });
  });

  it('changes only what is given: services back on, a cost back to 1, lists and limits cleared', { timeout: 60_000 }, async () => {
    const r = set('--service-on', 'App.Table.Delete', '--cost', 'App.Hello.World=1', '--rate', 'none', '--ip-deny', '', '--replay-window', 'off', '--expires', 'never');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').slice(5)).toEqual([
      'ip_allow: 198.51.100.0/24,192.0.2.0/24',
      'quota: 100000',
      'services_off: App.Market_Message.Post',
      'costs: App.DB_MsSQL_Data.FreeTree=5',
      '',
    ]);
  });

  it.each([
    [['--ip-deny', '10.0.0.0/33'], 'yesgraph: --ip-deny: "10.0.0.0/33": the prefix must be 0–32'],
    [['--ip-allow', 'intranet'], 'yesgraph: --ip-allow: "intranet" is not an IP address or CIDR range'],
    [['--service-off', 'App.Nope.Nope'], 'yesgraph: --service-off: no service App.Nope.Nope'],
    [['--cost', 'App.Hello.World'], 'yesgraph: --cost takes App.X.Y=N entries, not "App.Hello.World"'],
    [['--cost', 'App.Hello.World=-1'], 'yesgraph: --cost must be an integer from 0 to 1000000, not "-1"'],
    [['--rate', '10/week'], 'yesgraph: --rate must be N/s, N/min or N/h, not "10/week"'],
    [['--rate', '0/s'], 'yesgraph: --rate must be an integer from 1 to 1000000, not "0"'],
    [['--quota', '1.5'], 'yesgraph: --quota must be an integer from 0 to 1000000000000, not "1.5"'],
    [['--expires', '2030-02-30'], 'yesgraph: --expires must be YYYY-MM-DD or YYYY-MM-DD HH:MM[:SS] (UTC), or never, not "2030-02-30"'],
    [['--replay-window', '100000'], 'yesgraph: --replay-window must be an integer from 1 to 86400, not "100000"'],
    [['--disable', '--enable'], 'yesgraph: --disable and --enable exclude each other'],
    [[], 'yesgraph: nothing to set: give at least one option'],
  ])('refuses %j, changing nothing', { timeout: 30_000 }, (args, message) => {
    const before = cli(['app', 'show', app.appKey], env).stdout;
    const r = set(...args);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')).toContain(message);
    expect(cli(['app', 'show', app.appKey], env).stdout).toBe(before);
  });

  it('the server holds callers to it: allow list, disabled and enabled again, expiry with a time', { timeout: 60_000 }, async () => {
    rt.apps.forget();
    expect(await hello('198.51.100.7')).toBe(200);
    expect(await hello('203.0.113.9')).toBe(403);
    expect(set('--disable').code).toBe(0);
    rt.apps.forget();
    expect(await hello()).toBe(408);
    expect(set('--enable', '--expires', '2001-02-03 04:05').stdout).toContain('expires: 2001-02-03 04:05:00 UTC');
    rt.apps.forget();
    expect(await hello()).toBe(407);
    expect(set('--expires', 'never', '--service-off', 'App.Hello.World').code).toBe(0);
    rt.apps.forget();
    expect(await hello()).toBe(415);
    const body = JSON.stringify({ query: '{ hello }' });
    const res = await server.fetch(
      new Request(`${BASE}/graphql`, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-app-key': app.appKey, 'x-sign': payloadSign(body, app.appSecret) } }),
      { remoteAddress: '198.51.100.7' },
    );
    expect(((await res.json()) as { errors: Array<{ extensions: unknown }> }).errors[0]!.extensions).toEqual({ code: 'SERVICE_OFF', ret: 415 });
  });

  it('names an unknown app', () => {
    const r = cli(['app', 'set', 'F'.repeat(32), '--quota', '1'], env);
    expect([r.code, r.stderr.split('\n')]).toEqual([2, expect.arrayContaining([`yesgraph: no app with app_key ${'F'.repeat(32)}`])]);
  });
});
