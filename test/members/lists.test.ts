/**
 * Member lists: App.User.GetList, FastGetUserLongList and GetLastestLoginList on the legacy
 * face (signed by the app, as the platform's callers send them), GraphQL `members` for an app
 * admin. perpage/num that are not integers answer an empty list, as the platform does; the
 * statements per call do not grow with the page size.
 */
import { describe, expect, it } from 'vitest';
import { md5 } from '../../src/crypto.js';
import type { App } from '../../src/records/apps.js';
import { countStatements, storeKinds } from '../support/stores.js';
import { useServer, type TestServer } from '../support/server.js';
import { admin, member, P, session, type Signed } from './support.js';

const DATETIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

interface Listed {
  uuid: string;
  username: string;
  role: string;
  [key: string]: unknown;
}

/** An app of its own with `n` members registered (not logged in) in this order. */
async function appWithMembers(t: TestServer, n: number): Promise<{ app: App; names: string[] }> {
  const app = await t.newApp();
  const names: string[] = [];
  for (let i = 0; i < n; i++) {
    const username = `list_${i}`;
    const reg = await t.legacy({ s: 'App.User.Register', username, password: md5(username) }, { app });
    expect(reg.data.err_code).toBe(0);
    names.push(username);
  }
  return { app, names };
}

describe.each(await storeKinds())('member lists on %s', (kind) => {
  const t = useServer(kind);

  describe('App.User.GetList', () => {
    it('answers total and a page of users, newest first, in the platform’s fields', async () => {
      const { app, names } = await appWithMembers(t, 5);
      const env = await t.legacy({ s: 'App.User.GetList', page: 1, perpage: 2 }, { app });
      expect(env.data.total).toBe(5);
      const users = env.data.users as Listed[];
      expect(users.map((u) => u.username)).toEqual([names[4], names[3]]);
      expect(users[0]).toEqual({
        uuid: expect.stringMatching(/^[0-9A-F]{32}$/),
        username: names[4],
        role: 'user',
        role_desc: '普通会员',
        status: 0,
        status_desc: '正常',
        reg_time: expect.stringMatching(DATETIME),
        ext_info: { yesapi_nickname: '', yesapi_points: 0 },
      });
      const page3 = await t.legacy({ s: 'App.User.GetList', page: 3, perpage: 2 }, { app });
      expect((page3.data.users as Listed[]).map((u) => u.username)).toEqual([names[0]]);
      const oldest = await t.legacy({ s: 'App.User.GetList', sort_type: 2, perpage: 3 }, { app });
      expect((oldest.data.users as Listed[]).map((u) => u.username)).toEqual(names.slice(0, 3));
      expect(JSON.stringify(env)).not.toMatch(/password|token|scrypt/);
    });

    it('filters by role; all is every role', async () => {
      const { app, names } = await appWithMembers(t, 3);
      const boss = await admin(t, app);
      const uuidOf = async (name: string) =>
        ((await t.legacy({ s: 'App.User.GetList', perpage: 100 }, { app })).data.users as Listed[]).find((u) => u.username === name)!.uuid;
      const target = await uuidOf(names[1]!);
      expect((await t.legacy({ s: 'App.User.ChangeRoleForAdmin', admin_uuid: boss.uuid, admin_token: boss.token, other_uuid: target, new_role: 'vip' }, { app })).data.err_code).toBe(0);
      const vip = await t.legacy({ s: 'App.User.GetList', role: 'vip' }, { app });
      expect(vip.data).toMatchObject({ total: 1, users: [{ username: names[1], role: 'vip', role_desc: 'vip' }] });
      const admins = await t.legacy({ s: 'App.User.GetList', role: 'admin' }, { app });
      expect(admins.data).toMatchObject({ total: 1, users: [{ uuid: boss.uuid, role: 'admin', role_desc: '管理员' }] });
      expect((await t.legacy({ s: 'App.User.GetList', role: 'all' }, { app })).data.total).toBe(4);
      expect((await t.legacy({ s: 'App.User.GetList', role: 'nobody' }, { app })).data).toMatchObject({ total: 0, users: [] });
    });

    it('perpage that is not an integer answers an empty list; the rules of page, perpage and sort_type', async () => {
      const { app } = await appWithMembers(t, 2);
      for (const perpage of ['abc', '1.5', '2x']) {
        expect(await t.legacy({ s: 'App.User.GetList', perpage }, { app })).toMatchObject({ ret: 200, data: { err_code: 0, total: 2, users: [] } });
      }
      expect((await t.legacy({ s: 'App.User.GetList', perpage: 0 }, { app })).data.users).toEqual([]);
      expect(await t.legacy({ s: 'App.User.GetList', perpage: 1001 }, { app })).toMatchObject({ ret: 400, msg: `${P}perpage应该小于等于1000, 但现在perpage = 1001` });
      expect(await t.legacy({ s: 'App.User.GetList', perpage: -1 }, { app })).toMatchObject({ ret: 400, msg: `${P}perpage应该大于或等于0, 但现在perpage = -1` });
      expect(await t.legacy({ s: 'App.User.GetList', page: 0 }, { app })).toMatchObject({ ret: 400, msg: `${P}page应该大于或等于1, 但现在page = 0` });
      expect(await t.legacy({ s: 'App.User.GetList', sort_type: 3 }, { app })).toMatchObject({ ret: 400, msg: `${P}sort_type应该小于等于2, 但现在sort_type = 3` });
      expect(await t.legacy({ s: 'App.User.GetList', role: 'r'.repeat(17) }, { app })).toMatchObject({ ret: 400, msg: `${P}role.len应该小于等于16, 但现在role.len = 17` });
      expect((await t.legacy({ s: 'App.User.GetList', perpage: 1000 }, { app })).data.total).toBe(2);
    });

    it('two statements whatever the page size', async () => {
      const { app } = await appWithMembers(t, 12);
      for (const perpage of [1, 12, 1000]) {
        const { result, statements } = await countStatements(t.rt.main, () => t.legacy({ s: 'App.User.GetList', perpage }, { app }));
        expect((result.data.users as Listed[]).length).toBe(Math.min(perpage, 12));
        expect(statements.filter((s) => s.includes('yg_member'))).toHaveLength(2);
      }
    });
  });

  describe('App.User.FastGetUserLongList and App.User.GetLastestLoginList', () => {
    it('FastGetUserLongList pages through every member in registration order, without a total', async () => {
      const { app, names } = await appWithMembers(t, 5);
      const first = await t.legacy({ s: 'App.User.FastGetUserLongList', perpage: 3 }, { app });
      expect(first.data).not.toHaveProperty('total');
      expect((first.data.users as Listed[]).map((u) => u.username)).toEqual(names.slice(0, 3));
      const second = await t.legacy({ s: 'App.User.FastGetUserLongList', page: 2, perpage: 3 }, { app });
      expect((second.data.users as Listed[]).map((u) => u.username)).toEqual(names.slice(3));
      expect((await t.legacy({ s: 'App.User.FastGetUserLongList', perpage: 'many' }, { app })).data.users).toEqual([]);
      expect(await t.legacy({ s: 'App.User.FastGetUserLongList', perpage: 5000 }, { app })).toMatchObject({ ret: 400, msg: `${P}perpage应该小于等于1000, 但现在perpage = 5000` });
      const { statements } = await countStatements(t.rt.main, () => t.legacy({ s: 'App.User.FastGetUserLongList', perpage: 1000 }, { app }));
      expect(statements.filter((s) => s.includes('yg_member'))).toHaveLength(1);
    });

    it('GetLastestLoginList answers members who logged in, latest first, with login_time in unix seconds', async () => {
      const app = await t.newApp();
      const [a, b, c] = [await member(t, { app, name: 'late_a' }), await member(t, { app, name: 'late_b' }), await member(t, { app, name: 'late_c' })];
      await t.legacy({ s: 'App.User.Register', username: 'never', password: md5('never') }, { app });
      // Login times have one-second resolution: log b in again a second later.
      await new Promise((r) => setTimeout(r, 1100));
      const before = Math.floor(Date.now() / 1000);
      expect((await t.legacy({ s: 'App.User.Login', username: b.username, password: b.password }, { app })).data.err_code).toBe(0);
      const env = await t.legacy({ s: 'App.User.GetLastestLoginList', num: 10 }, { app });
      const listed = env.data.members as Array<Listed & { login_time: number }>;
      expect(listed.map((m) => m.username)).toEqual([b.username, c.username, a.username]);
      expect(listed[0]!.login_time).toBeGreaterThanOrEqual(before);
      expect(listed[0]!.login_time).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
      expect(listed[1]!.login_time).toBeLessThan(listed[0]!.login_time);
      expect(listed[0]).toMatchObject({ uuid: b.uuid, role: 'user', status: 0, ext_info: { yesapi_points: 0 } });
      expect(((await t.legacy({ s: 'App.User.GetLastestLoginList', num: 1 }, { app })).data.members as Listed[]).map((m) => m.username)).toEqual([b.username]);
      expect((await t.legacy({ s: 'App.User.GetLastestLoginList', num: 'ten' }, { app })).data).toEqual({ err_code: 0, err_msg: '', members: [] });
      expect(await t.legacy({ s: 'App.User.GetLastestLoginList', num: 1001 }, { app })).toMatchObject({ ret: 400, msg: `${P}num应该小于等于1000, 但现在num = 1001` });
    });
  });

  describe('GraphQL members (an app admin)', () => {
    const LIST = `query($page: Int, $perpage: Int, $role: String, $order: MemberListOrder) {
      members(page: $page, perpage: $perpage, role: $role, order: $order) { total items { uuid username role lastLoginAt } } }`;

    it('an admin lists the app’s members as GetList does; total is counted only when asked', async () => {
      const { app, names } = await appWithMembers(t, 4);
      const boss = await admin(t, app);
      const res = await t.graphql<{ members: { total: number; items: Listed[] } }>(LIST, { perpage: 3 }, { app, session: session(boss) });
      const legacy = await t.legacy({ s: 'App.User.GetList', perpage: 3 }, { app });
      expect(res.data?.members.total).toBe(legacy.data.total);
      expect(res.data?.members.items.map((i) => i.uuid)).toEqual((legacy.data.users as Listed[]).map((u) => u.uuid));
      expect(res.data?.members.items.map((i) => i.username)).toEqual([boss.username, names[3], names[2]]);
      const oldest = await t.graphql<{ members: { items: Listed[] } }>(LIST, { order: 'OLDEST_FIRST', perpage: 2 }, { app, session: session(boss) });
      expect(oldest.data?.members.items.map((i) => i.username)).toEqual(names.slice(0, 2));
      const logins = await t.graphql<{ members: { total: number; items: Listed[] } }>(LIST, { order: 'LAST_LOGIN' }, { app, session: session(boss) });
      expect(logins.data?.members).toMatchObject({ total: 1, items: [{ uuid: boss.uuid, lastLoginAt: expect.stringMatching(DATETIME) }] });
      const admins = await t.graphql<{ members: { total: number } }>(LIST, { role: 'admin' }, { app, session: session(boss) });
      expect(admins.data?.members.total).toBe(1);

      const itemsOnly = await countStatements(t.rt.main, () =>
        t.graphql('query { members(perpage: 1000) { items { uuid } } }', undefined, { app, session: session(boss) }),
      );
      expect(itemsOnly.statements.filter((s) => s.includes('FROM yg_member') && !s.includes('yg_member_session'))).toHaveLength(1);
    });

    it('411 for a guest, 412 for a member who is not an admin; the perpage rule', async () => {
      const plain: Signed = await member(t);
      expect((await t.graphql(LIST)).errors?.[0]).toMatchObject({ message: `${P}权限不足，应用管理员未登录`, extensions: { code: 'FORBIDDEN', ret: 411 } });
      expect((await t.graphql(LIST, {}, { session: session(plain) })).errors?.[0]).toMatchObject({ message: `${P}权限不足，非应用管理员`, extensions: { ret: 412 } });
      const boss = await admin(t);
      expect((await t.graphql(LIST, { perpage: 1001 }, { session: session(boss) })).errors?.[0]).toMatchObject({
        message: `${P}perpage应该小于等于1000, 但现在perpage = 1001`,
        extensions: { ret: 400 },
      });
    });
  });
});
