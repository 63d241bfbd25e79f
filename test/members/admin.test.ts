/**
 * Roles and admins on both faces: ChangeRole (the signed-in admin), ChangeRoleForAdmin and
 * BanUserForAdmin (admin_uuid + admin_token), GraphQL changeRole and banMember: 411 without an
 * admin session, 412 for a member who is not an admin, 410 for what only the operator does
 * (admin roles, banning admins). A ban ends the member's sessions at once, even against a
 * login racing it.
 */
import { describe, expect, it } from 'vitest';
import { sql } from '../../src/db/sql.js';
import { storeKinds } from '../support/stores.js';
import { useServer, type TestServer } from '../support/server.js';
import { admin, adminParams, member, P, session, type Signed } from './support.js';

const R410 = `${P}权限不足，非系统管理员：管理员角色只能由运营方用命令行设置或撤销`;
const R410_BAN = `${P}权限不足，非系统管理员：应用管理员不能被封号，请先由运营方撤销其管理员角色`;
const R411 = `${P}权限不足，应用管理员未登录`;
const R412 = `${P}权限不足，非应用管理员`;

async function sessionsOf(t: TestServer, m: Signed): Promise<number> {
  const [r] = await t.rt.main.query<{ n: number | string }>(sql`SELECT COUNT(*) AS n FROM yg_member_session s JOIN yg_member m ON m.id = s.member_id WHERE m.uuid = ${m.uuid}`);
  return Number(r!.n);
}

describe.each(await storeKinds())('roles and admins on %s', (kind) => {
  const t = useServer(kind);

  describe('App.User.ChangeRole (the admin is the caller’s uuid + token)', () => {
    it('an admin gives a member a custom group, then back; the same role again is err_code 1', async () => {
      const [boss, m] = [await admin(t), await member(t)];
      const call = (role: string) => t.legacy({ s: 'App.User.ChangeRole', other_uuid: m.uuid, new_role: role }, { session: session(boss) });
      const vip = await call('vip');
      expect(vip.data).toMatchObject({ err_code: 0, info: { uuid: m.uuid, role: 'vip', role_desc: 'vip', status: 0 } });
      expect(await call('vip')).toMatchObject({ ret: 200, data: { err_code: 1, err_msg: '角色没有变化' } });
      expect((await call('user')).data).toMatchObject({ err_code: 0, info: { role: 'user', role_desc: '普通会员' } });
      const profile = await t.legacy({ s: 'App.User.Profile' }, { session: session(m) });
      expect(profile.data.info).toMatchObject({ role: 'user' });
    });

    it('411 for a guest, 412 for a member who is not an admin, 401 for a dead session', async () => {
      const [m, other] = [await member(t), await member(t)];
      const params = { s: 'App.User.ChangeRole', other_uuid: other.uuid, new_role: 'vip' };
      expect(await t.legacy(params)).toMatchObject({ ret: 411, msg: R411, data: {} });
      expect(await t.legacy(params, { session: session(m) })).toMatchObject({ ret: 412, msg: R412, data: {} });
      expect(await t.legacy(params, { session: { uuid: m.uuid, token: 'f'.repeat(64) } })).toMatchObject({ ret: 401 });
      expect((await t.legacy({ s: 'App.User.OtherProfile', other_uuid: other.uuid })).data.info).toMatchObject({ role: 'user' });
    });

    it('410: admin is granted and taken only by the operator', async () => {
      const [boss, otherBoss, m] = [await admin(t), await admin(t), await member(t)];
      const call = (uuid: string, role: string) => t.legacy({ s: 'App.User.ChangeRole', other_uuid: uuid, new_role: role }, { session: session(boss) });
      expect(await call(m.uuid, 'admin')).toMatchObject({ ret: 410, msg: R410, data: {} });
      expect(await call(otherBoss.uuid, 'user')).toMatchObject({ ret: 410, msg: R410 });
      expect(await call(boss.uuid, 'vip')).toMatchObject({ ret: 410, msg: R410 });
      expect((await t.legacy({ s: 'App.User.OtherProfile', other_uuid: m.uuid })).data.info).toMatchObject({ role: 'user' });
    });

    it('parameter rules, and a uuid naming no member of the app', async () => {
      const boss = await admin(t);
      const m = await member(t);
      const call = (p: Record<string, string>) => t.legacy({ s: 'App.User.ChangeRole', ...p }, { session: session(boss) });
      expect(await call({ new_role: 'vip' })).toMatchObject({ ret: 400, msg: `${P}缺少必要参数other_uuid` });
      expect(await call({ other_uuid: m.uuid })).toMatchObject({ ret: 400, msg: `${P}缺少必要参数new_role` });
      expect(await call({ other_uuid: m.uuid, new_role: '' })).toMatchObject({ ret: 400, msg: `${P}new_role.len应该大于或等于1, 但现在new_role.len = 0` });
      expect(await call({ other_uuid: m.uuid, new_role: 'r'.repeat(17) })).toMatchObject({ ret: 400, msg: `${P}new_role.len应该小于等于16, 但现在new_role.len = 17` });
      expect(await call({ other_uuid: m.uuid, new_role: 'VIP' })).toMatchObject({ ret: 400, msg: `${P}new_role只能包含小写字母、数字和下划线, 但现在new_role = VIP` });
      expect(await call({ other_uuid: m.uuid, new_role: 'a b' })).toMatchObject({ ret: 400, msg: `${P}new_role只能包含小写字母、数字和下划线, 但现在new_role = "a b"` });
      expect(await call({ other_uuid: 'A'.repeat(32), new_role: 'vip' })).toMatchObject({ ret: 400, msg: `${P}非法请求，参数错误` });
      const stranger = await member(t, { app: await t.newApp() });
      expect(await call({ other_uuid: stranger.uuid, new_role: 'vip' })).toMatchObject({ ret: 400, msg: `${P}非法请求，参数错误` });
    });

    it('a role change by the operator applies to the member’s next call (no session is cached)', async () => {
      const [boss, m] = [await admin(t), await member(t)];
      const call = () => t.legacy({ s: 'App.User.ChangeRole', other_uuid: m.uuid, new_role: 'gold' }, { session: session(boss) });
      const { setMemberRole } = await import('../../src/records/members.js');
      await setMemberRole(t.rt.main, t.app.id, { uuid: boss.uuid }, 'user');
      expect((await call()).ret).toBe(412);
      await setMemberRole(t.rt.main, t.app.id, { username: boss.username }, 'admin');
      expect((await call()).data.err_code).toBe(0);
    });
  });

  describe('App.User.ChangeRoleForAdmin (admin_uuid + admin_token)', () => {
    it('changes a role for an admin session given apart from the caller’s own', async () => {
      const [boss, m] = [await admin(t), await member(t)];
      const env = await t.legacy({ s: 'App.User.ChangeRoleForAdmin', ...adminParams(boss), other_uuid: m.uuid, new_role: 'editor' }, { session: session(m) });
      expect(env.data).toMatchObject({ err_code: 0, info: { uuid: m.uuid, role: 'editor' } });
      const again = await t.legacy({ s: 'App.User.ChangeRoleForAdmin', ...adminParams(boss), other_uuid: m.uuid, new_role: 'editor' });
      expect(again.data).toEqual({ err_code: 1, err_msg: '角色没有变化' });
    });

    it('411 without a live admin session, 412 for a member who is not an admin, 400 for malformed admin parameters', async () => {
      const [boss, m, other] = [await admin(t), await member(t), await member(t)];
      const base = { s: 'App.User.ChangeRoleForAdmin', other_uuid: other.uuid, new_role: 'vip' };
      expect(await t.legacy(base)).toMatchObject({ ret: 411, msg: R411 });
      // The caller's own uuid + token is no admin session here.
      expect(await t.legacy(base, { session: session(boss) })).toMatchObject({ ret: 411, msg: R411 });
      expect(await t.legacy({ ...base, admin_uuid: 'A'.repeat(32), admin_token: boss.token })).toMatchObject({ ret: 411, msg: R411 });
      expect(await t.legacy({ ...base, admin_uuid: boss.uuid, admin_token: 'a'.repeat(64) })).toMatchObject({ ret: 411, msg: R411 });
      expect(await t.legacy({ ...base, ...adminParams(m) })).toMatchObject({ ret: 412, msg: R412 });
      expect(await t.legacy({ ...base, admin_uuid: boss.uuid })).toMatchObject({ ret: 400, msg: `${P}缺少必要参数admin_token` });
      expect(await t.legacy({ ...base, admin_uuid: boss.uuid, admin_token: 'ab' })).toMatchObject({ ret: 400, msg: `${P}admin_token.len应该大于或等于64, 但现在admin_token.len = 2` });
      expect(await t.legacy({ ...base, admin_uuid: 'Z'.repeat(33), admin_token: boss.token })).toMatchObject({ ret: 400, msg: `${P}admin_uuid.len应该小于等于32, 但现在admin_uuid.len = 33` });
      // An admin of another app is nobody here.
      const elsewhere = await t.newApp();
      const foreign = await admin(t, elsewhere);
      expect(await t.legacy({ ...base, ...adminParams(foreign) })).toMatchObject({ ret: 411, msg: R411 });
      expect((await t.legacy({ s: 'App.User.OtherProfile', other_uuid: other.uuid })).data.info).toMatchObject({ role: 'user' });
    });

    it('410 for admin roles here too', async () => {
      const [boss, m] = [await admin(t), await member(t)];
      expect(await t.legacy({ s: 'App.User.ChangeRoleForAdmin', ...adminParams(boss), other_uuid: m.uuid, new_role: 'admin' })).toMatchObject({ ret: 410, msg: R410 });
    });
  });

  describe('App.User.BanUserForAdmin', () => {
    it('a ban ends the member’s sessions at once on both faces and refuses their login; user_status=0 lets them back', async () => {
      const [boss, m] = [await admin(t), await member(t)];
      await t.legacy({ s: 'App.User.Login', username: m.username, password: m.password });
      expect(await sessionsOf(t, m)).toBe(2);
      const ban = await t.legacy({ s: 'App.User.BanUserForAdmin', ...adminParams(boss), other_uuid: m.uuid });
      expect(ban.data).toMatchObject({ err_code: 0, info: { uuid: m.uuid, status: 1, status_desc: '已封号' } });
      expect(await sessionsOf(t, m)).toBe(0);
      expect(await t.legacy({ s: 'App.User.Profile' }, { session: session(m) })).toMatchObject({ ret: 401, msg: `${P}用户未登录，或登录凭证已过期` });
      expect((await t.graphql('{ me { uuid } }', undefined, { session: session(m) })).errors?.[0]?.extensions).toMatchObject({ ret: 401 });
      expect((await t.legacy({ s: 'App.User.Check' }, { session: session(m) })).data.err_code).toBe(1);
      expect((await t.legacy({ s: 'App.User.Login', username: m.username, password: m.password })).data).toEqual({ err_code: 2, err_msg: '该账号已被封号，无法登录' });
      // A wrong password says nothing about the ban.
      expect((await t.legacy({ s: 'App.User.Login', username: m.username, password: 'f'.repeat(32) })).data.err_code).toBe(1);
      expect((await t.legacy({ s: 'App.User.OtherProfile', other_uuid: m.uuid })).data.info).toMatchObject({ status: 1 });
      expect((await t.legacy({ s: 'App.User.BanUserForAdmin', ...adminParams(boss), other_uuid: m.uuid, user_status: 1 })).data).toEqual({ err_code: 1, err_msg: '会员状态没有变化' });

      const unban = await t.legacy({ s: 'App.User.BanUserForAdmin', ...adminParams(boss), other_uuid: m.uuid, user_status: 0 });
      expect(unban.data).toMatchObject({ err_code: 0, info: { status: 0, status_desc: '正常' } });
      // The old token stays dead; a new login works.
      expect((await t.legacy({ s: 'App.User.Profile' }, { session: session(m) })).ret).toBe(401);
      expect((await t.legacy({ s: 'App.User.Login', username: m.username, password: m.password })).data.err_code).toBe(0);
    });

    it('a login racing a ban never leaves a live session', async () => {
      const [boss, m] = [await admin(t), await member(t)];
      const logins = Array.from({ length: 8 }, () => t.legacy({ s: 'App.User.Login', username: m.username, password: m.password }));
      const ban = t.legacy({ s: 'App.User.BanUserForAdmin', ...adminParams(boss), other_uuid: m.uuid });
      const answers = await Promise.all([...logins, ban]);
      expect(answers.at(-1)!.data.err_code).toBe(0);
      const tokens = answers.slice(0, -1).flatMap((a) => (a.data.err_code === 0 ? [a.data.token as string] : []));
      for (const token of [m.token, ...tokens]) {
        expect((await t.legacy({ s: 'App.User.Profile' }, { session: { uuid: m.uuid, token } })).ret).toBe(401);
      }
    });

    it('410 for banning an admin; 411 and 412 as for roles; the user_status rule', async () => {
      const [boss, otherBoss, m] = [await admin(t), await admin(t), await member(t)];
      const base = { s: 'App.User.BanUserForAdmin', other_uuid: m.uuid };
      expect(await t.legacy({ ...base, ...adminParams(boss), other_uuid: otherBoss.uuid })).toMatchObject({ ret: 410, msg: R410_BAN });
      expect(await t.legacy({ ...base, ...adminParams(boss), other_uuid: boss.uuid })).toMatchObject({ ret: 410, msg: R410_BAN });
      expect(await t.legacy(base)).toMatchObject({ ret: 411, msg: R411 });
      expect(await t.legacy({ ...base, ...adminParams(m) })).toMatchObject({ ret: 412, msg: R412 });
      expect(await t.legacy({ ...base, ...adminParams(boss), user_status: 2 })).toMatchObject({ ret: 400, msg: `${P}user_status应该小于等于1, 但现在user_status = 2` });
      expect(await t.legacy({ ...base, ...adminParams(boss), user_status: 'x' })).toMatchObject({ ret: 400, msg: `${P}user_status应该是整数, 但现在user_status = x` });
      expect(await t.legacy({ ...base, ...adminParams(boss), other_uuid: 'B'.repeat(32) })).toMatchObject({ ret: 400, msg: `${P}非法请求，参数错误` });
      // The admin's session still works: nothing was banned.
      expect((await t.legacy({ s: 'App.User.Profile' }, { session: session(otherBoss) })).ret).toBe(200);
      expect((await t.legacy({ s: 'App.User.Profile' }, { session: session(m) })).ret).toBe(200);
    });
  });

  describe('GraphQL changeRole and banMember (the admin is x-uuid + x-token)', () => {
    const CHANGE = `mutation($u: String!, $r: String!) { changeRole(uuid: $u, role: $r) {
      __typename ... on MutationChangeRoleSuccess { data { uuid role } } ... on BusinessError { errCode message } } }`;
    const BAN = `mutation($u: String!, $b: Boolean) { banMember(uuid: $u, banned: $b) {
      __typename ... on MutationBanMemberSuccess { data { uuid banned } } ... on BusinessError { errCode message } } }`;

    it('changeRole: success, the unchanged role as a BusinessError, 410/411/412 as GraphQL errors', async () => {
      const [boss, m] = [await admin(t), await member(t)];
      const ok = await t.graphql<{ changeRole: unknown }>(CHANGE, { u: m.uuid, r: 'vip' }, { session: session(boss) });
      expect(ok.data?.changeRole).toEqual({ __typename: 'MutationChangeRoleSuccess', data: { uuid: m.uuid, role: 'vip' } });
      const same = await t.graphql<{ changeRole: unknown }>(CHANGE, { u: m.uuid, r: 'vip' }, { session: session(boss) });
      expect(same.data?.changeRole).toEqual({ __typename: 'BusinessError', errCode: 1, message: '角色没有变化' });
      const errorOf = async (vars: Record<string, unknown>, s?: Signed) => (await t.graphql(CHANGE, vars, s ? { session: session(s) } : {})).errors?.[0];
      expect(await errorOf({ u: m.uuid, r: 'user' })).toMatchObject({ message: R411, extensions: { code: 'FORBIDDEN', ret: 411 } });
      expect(await errorOf({ u: boss.uuid, r: 'user' }, m)).toMatchObject({ message: R412, extensions: { code: 'FORBIDDEN', ret: 412 } });
      expect(await errorOf({ u: m.uuid, r: 'admin' }, boss)).toMatchObject({ message: R410, extensions: { code: 'FORBIDDEN', ret: 410 } });
      expect(await errorOf({ u: m.uuid, r: 'Bad' }, boss)).toMatchObject({ message: `${P}role只能包含小写字母、数字和下划线, 但现在role = Bad`, extensions: { ret: 400 } });
      expect(await errorOf({ u: 'C'.repeat(32), r: 'vip' }, boss)).toMatchObject({ message: `${P}非法请求，参数错误`, extensions: { ret: 400 } });
      expect((await t.legacy({ s: 'App.User.OtherProfile', other_uuid: m.uuid })).data.info).toMatchObject({ role: 'vip' });
    });

    it('banMember: the banned member’s token stops working at once; banned: false lets them back', async () => {
      const [boss, m] = [await admin(t), await member(t)];
      expect((await t.graphql('{ me { uuid } }', undefined, { session: session(m) })).data).toEqual({ me: { uuid: m.uuid } });
      const ban = await t.graphql<{ banMember: unknown }>(BAN, { u: m.uuid }, { session: session(boss) });
      expect(ban.data?.banMember).toEqual({ __typename: 'MutationBanMemberSuccess', data: { uuid: m.uuid, banned: true } });
      expect((await t.graphql('{ me { uuid } }', undefined, { session: session(m) })).errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', ret: 401 });
      expect((await t.legacy({ s: 'App.Hello.World' }, { session: session(m) })).ret).toBe(401);
      const again = await t.graphql<{ banMember: unknown }>(BAN, { u: m.uuid, b: true }, { session: session(boss) });
      expect(again.data?.banMember).toEqual({ __typename: 'BusinessError', errCode: 1, message: '会员状态没有变化' });
      const login = await t.graphql<{ login: unknown }>(
        `mutation { login(username: "${m.username}", password: "${m.password}") { ... on BusinessError { errCode message } } }`,
      );
      expect(login.data?.login).toEqual({ errCode: 2, message: '该账号已被封号，无法登录' });
      const back = await t.graphql<{ banMember: unknown }>(BAN, { u: m.uuid, b: false }, { session: session(boss) });
      expect(back.data?.banMember).toEqual({ __typename: 'MutationBanMemberSuccess', data: { uuid: m.uuid, banned: false } });
      const errorOf = async (vars: Record<string, unknown>, s?: Signed) => (await t.graphql(BAN, vars, s ? { session: session(s) } : {})).errors?.[0]?.extensions;
      expect(await errorOf({ u: m.uuid })).toMatchObject({ ret: 411 });
      // m's old token died with the ban: another member asks.
      expect(await errorOf({ u: boss.uuid }, await member(t))).toMatchObject({ ret: 412 });
      expect(await errorOf({ u: boss.uuid }, boss)).toMatchObject({ ret: 410 });
    });
  });
});
