/**
 * `yesgraph member set-role` as an operator runs it (a new process over the main store), and
 * what it changes for a server running beside it: the admin it makes may call the admin
 * services at once, and loses them at once when unmade.
 */
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli.js';
import { md5 } from '../../src/crypto.js';
import { silentLogger } from '../../src/logger.js';
import type { App } from '../../src/records/apps.js';
import { startRuntime } from '../../src/runtime.js';
import { createServer } from '../../src/server.js';
import { cli, CLI_KEY, firstStart } from '../cli/process.js';
import { BASE, signedParams, testConfig, type Envelope } from '../support/server.js';
import { freshDatabase, storeKinds, type FreshDatabase } from '../support/stores.js';

describe.each(await storeKinds())('yesgraph member set-role on %s', (kind) => {
  const dbs: FreshDatabase[] = [];
  afterAll(async () => {
    for (const d of dbs) await d.drop();
  });

  it('makes and unmakes an app admin, by username or uuid, for the running server at once', { timeout: 120_000 }, async () => {
    const db = await freshDatabase(kind);
    dbs.push(db);
    await firstStart(db.url);
    const env = { DATABASE_URL: db.url };
    const made = cli(['app', 'create', '--name', 'club', '--json'], env);
    expect(made.code).toBe(0);
    const appKey = (JSON.parse(made.stdout) as { app_key: string }).app_key;

    const rt = await startRuntime(testConfig(db.url, { secretKey: CLI_KEY }), silentLogger);
    try {
      const server = createServer(rt);
      const app = (await rt.appRecords.findByKey(appKey)) as App;
      const call = async (params: Record<string, string>): Promise<Envelope> =>
        (await (await server.fetch(new Request(`${BASE}/?${signedParams(params, app)}`))).json()) as Envelope;
      const join = async (username: string) => {
        const password = md5(username);
        expect((await call({ s: 'App.User.Register', username, password })).data.err_code).toBe(0);
        const login = await call({ s: 'App.User.Login', username, password });
        return { uuid: login.data.uuid as string, token: login.data.token as string };
      };
      const boss = await join('boss');
      const m = await join('member');
      const promote = () => call({ s: 'App.User.ChangeRoleForAdmin', admin_uuid: boss.uuid, admin_token: boss.token, other_uuid: m.uuid, new_role: 'vip' });
      expect((await promote()).ret).toBe(412);

      const set = cli(['member', 'set-role', '--username', 'boss', '--role', 'admin'], env);
      expect(set.stderr).toContain('yesgraph: main store');
      expect(set).toMatchObject({ code: 0, stdout: `boss (${boss.uuid}) of app ${appKey} now has the role admin\n` });
      expect((await promote()).data).toMatchObject({ err_code: 0, info: { role: 'vip' } });

      const unset = cli(['member', 'set-role', '--uuid', boss.uuid.toLowerCase(), '--role', 'user', '--app', appKey, '--json'], env);
      expect(unset.code).toBe(0);
      expect(JSON.parse(unset.stdout)).toEqual({ app_key: appKey, uuid: boss.uuid, username: 'boss', role: 'user' });
      const after = await call({ s: 'App.User.ChangeRoleForAdmin', admin_uuid: boss.uuid, admin_token: boss.token, other_uuid: m.uuid, new_role: 'user' });
      expect(after.ret).toBe(412);

      const nobody = cli(['member', 'set-role', '--username', 'nobody', '--role', 'admin'], env);
      expect(nobody.code).toBe(2);
      expect(nobody.stderr).toContain(`yesgraph: app ${appKey} has no member with username nobody\n`);
      const profile = await call({ s: 'App.User.OtherProfile', other_uuid: boss.uuid });
      expect(profile.data.info).toMatchObject({ role: 'user' });
    } finally {
      await rt.close();
    }
  });
});

describe('yesgraph member set-role: usage mistakes (answered before any store opens)', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  async function run(args: string[]): Promise<{ code: number; stderr: string }> {
    let stderr = '';
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const code = await main(args);
    return { code, stderr };
  }

  it('exactly one of --uuid and --username, a well-formed --role, and --role at all', async () => {
    const usage = 'usage: yesgraph member set-role [--app APP_KEY] [--uuid UUID] [--username NAME] --role admin|user|… [--json]\n';
    expect(await run(['member', 'set-role', '--uuid', 'A'.repeat(32), '--username', 'boss', '--role', 'admin'])).toEqual({
      code: 2,
      stderr: `yesgraph: name the member with exactly one of --uuid and --username\n${usage}`,
    });
    expect(await run(['member', 'set-role', '--role', 'admin'])).toEqual({ code: 2, stderr: `yesgraph: name the member with exactly one of --uuid and --username\n${usage}` });
    expect(await run(['member', 'set-role', '--username', 'boss', '--role', 'Admin'])).toEqual({
      code: 2,
      stderr: `yesgraph: --role must be lower-case letters, digits and _ (at most 16), not "Admin"\n${usage}`,
    });
    expect(await run(['member', 'set-role', '--username', 'boss'])).toEqual({ code: 2, stderr: `yesgraph: --role is required\n${usage}` });
  });
});
