/**
 * Profiles on both faces: App.User.Profile / `me`, OtherProfile / `member`, MultiProfile /
 * `membersByUuid`, ext_info at registration and through UpdateExtInfo / `updateExtInfo`, with
 * every parameter rule, the session errors, and nothing half-written on a refusal.
 */
import { describe, expect, it } from 'vitest';
import { md5 } from '../../src/crypto.js';
import { EXT_INFO_MAX_CHARS } from '../../src/operations/members.js';
import { countStatements, storeKinds } from '../support/stores.js';
import { useServer } from '../support/server.js';
import { MEMBER_FIELDS, member, P, session } from './support.js';

const DATETIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

describe.each(await storeKinds())('member profiles on %s', (kind) => {
  const t = useServer(kind);

  describe('legacy face', () => {
    it('Profile answers the signed-in member as info, never a password hash or a token', async () => {
      const m = await member(t, { extInfo: { yesapi_nickname: '小白', age: 3 } });
      const env = await t.legacy({ s: 'App.User.Profile' }, { session: session(m) });
      expect(env.ret).toBe(200);
      expect(env.data).toEqual({
        err_code: 0,
        err_msg: '',
        info: {
          uuid: m.uuid,
          username: m.username,
          role: 'user',
          role_desc: '普通会员',
          status: 0,
          status_desc: '正常',
          register_time: expect.stringMatching(DATETIME),
          last_login_time: expect.stringMatching(DATETIME),
          ext_info: { yesapi_nickname: '小白', yesapi_points: 0, age: 3 },
        },
      });
      const text = JSON.stringify(env);
      expect(text).not.toContain(m.token);
      expect(text).not.toMatch(/password|scrypt|token/);
    });

    it('Profile refuses a missing or malformed session in the platform’s words', async () => {
      const m = await member(t);
      expect(await t.legacy({ s: 'App.User.Profile' })).toMatchObject({ ret: 400, msg: `${P}缺少必要参数uuid`, data: {} });
      expect(await t.legacy({ s: 'App.User.Profile', uuid: m.uuid })).toMatchObject({ ret: 400, msg: `${P}缺少必要参数token` });
      expect(await t.legacy({ s: 'App.User.Profile', uuid: m.uuid, token: 'ab' })).toMatchObject({
        ret: 400,
        msg: `${P}token.len应该大于或等于64, 但现在token.len = 2`,
      });
      // A token naming no session: 401; a uuid naming no member: 400.
      expect(await t.legacy({ s: 'App.User.Profile' }, { session: { uuid: m.uuid, token: 'c'.repeat(64) } })).toMatchObject({
        ret: 401,
        msg: `${P}用户未登录，或登录凭证已过期`,
        data: {},
      });
      expect(await t.legacy({ s: 'App.User.Profile' }, { session: { uuid: 'D'.repeat(32), token: m.token } })).toMatchObject({
        ret: 400,
        msg: `${P}非法请求，参数错误`,
      });
    });

    it('OtherProfile answers another member, and info without a uuid (err_code 0) for nobody or another app’s member', async () => {
      const m = await member(t, { extInfo: { yesapi_avatar: 'a.png' } });
      const found = await t.legacy({ s: 'App.User.OtherProfile', other_uuid: m.uuid.toLowerCase() });
      expect(found.data).toMatchObject({ err_code: 0, info: { uuid: m.uuid, username: m.username, ext_info: { yesapi_avatar: 'a.png', yesapi_nickname: '', yesapi_points: 0 } } });
      const missing = await t.legacy({ s: 'App.User.OtherProfile', other_uuid: 'E'.repeat(32) });
      expect(missing).toMatchObject({ ret: 200, data: { err_code: 0, err_msg: '', info: {} } });
      const stranger = await member(t, { app: await t.newApp() });
      expect((await t.legacy({ s: 'App.User.OtherProfile', other_uuid: stranger.uuid })).data.info).toEqual({});
    });

    it('OtherProfile: other_uuid is exactly 32 characters', async () => {
      expect(await t.legacy({ s: 'App.User.OtherProfile' })).toMatchObject({ ret: 400, msg: `${P}缺少必要参数other_uuid` });
      expect(await t.legacy({ s: 'App.User.OtherProfile', other_uuid: 'A'.repeat(31) })).toMatchObject({
        ret: 400,
        msg: `${P}other_uuid.len应该大于或等于32, 但现在other_uuid.len = 31`,
      });
      expect(await t.legacy({ s: 'App.User.OtherProfile', other_uuid: 'A'.repeat(33) })).toMatchObject({
        ret: 400,
        msg: `${P}other_uuid.len应该小于等于32, 但现在other_uuid.len = 33`,
      });
    });

    it('MultiProfile answers info_list in the order asked, skipping wrong lengths, repeats and nobody, in one statement', async () => {
      const [a, b] = [await member(t), await member(t)];
      const uuids = [b.uuid, 'short', a.uuid.toLowerCase(), 'F'.repeat(32), b.uuid, `${a.uuid}X`].join(',');
      const { result, statements } = await countStatements(t.rt.main, () => t.legacy({ s: 'App.User.MultiProfile', uuids }));
      expect((result.data.info_list as Array<{ uuid: string }>).map((i) => i.uuid)).toEqual([b.uuid, a.uuid]);
      expect(statements.filter((s) => s.includes('FROM yg_member') && s.includes(' IN ('))).toHaveLength(1);
      const none = await t.legacy({ s: 'App.User.MultiProfile', uuids: 'x,y,' + 'F'.repeat(32) });
      expect(none).toMatchObject({ ret: 200, data: { err_code: 0, info_list: [] } });
    });

    it('MultiProfile: uuids is required and names at most 100 members', async () => {
      expect(await t.legacy({ s: 'App.User.MultiProfile' })).toMatchObject({ ret: 400, msg: `${P}缺少必要参数uuids` });
      expect(await t.legacy({ s: 'App.User.MultiProfile', uuids: '' })).toMatchObject({ ret: 400, msg: `${P}uuids.len应该大于或等于1, 但现在uuids.len = 0` });
      const many = Array.from({ length: 101 }, (_, i) => i.toString(16).toUpperCase().padStart(32, '0')).join(',');
      expect(await t.legacy({ s: 'App.User.MultiProfile', uuids: many }, { method: 'POST' })).toMatchObject({ ret: 400, msg: `${P}参数uuids最多100个uuid, 但现在有101个` });
    });

    it('Register refuses bad ext_info with a 400 naming it, and registers nobody', async () => {
      const password = md5('x');
      const cases: Array<[string, string]> = [
        ['{"a":', `${P}参数ext_info的JSON数据格式错误`],
        ['[1,2]', `${P}参数ext_info应该是JSON对象，如{"title": "x"}`],
        ['"text"', `${P}参数ext_info应该是JSON对象，如{"title": "x"}`],
        [JSON.stringify({ a: 'x'.repeat(EXT_INFO_MAX_CHARS) }), `${P}ext_info.len应该小于等于${EXT_INFO_MAX_CHARS}, 但现在ext_info.len = ${EXT_INFO_MAX_CHARS + 8}`],
        ['['.repeat(100) + ']'.repeat(100), `${P}参数ext_info的JSON数据嵌套不能超过64层`],
      ];
      for (const [i, [extInfo, msg]] of cases.entries()) {
        const username = `bad_ext_${i}`;
        expect(await t.legacy({ s: 'App.User.Register', username, password, ext_info: extInfo }, { method: 'POST' })).toMatchObject({ ret: 400, msg, data: {} });
        expect((await t.legacy({ s: 'App.User.Login', username, password })).data.err_code).toBe(1);
      }
    });

    it('UpdateExtInfo merges key by key and answers the merged ext_info', async () => {
      const m = await member(t, { extInfo: { a: 1, b: 'keep' } });
      const env = await t.legacy({ s: 'App.User.UpdateExtInfo', ext_info: JSON.stringify({ a: 2, c: { deep: [1] }, yesapi_points: 5 }) }, { session: session(m), method: 'POST' });
      expect(env.data).toEqual({ err_code: 0, err_msg: '', ext_info: { yesapi_nickname: '', yesapi_points: 5, a: 2, b: 'keep', c: { deep: [1] } } });
      const profile = await t.legacy({ s: 'App.User.Profile' }, { session: session(m) });
      expect((profile.data.info as { ext_info: unknown }).ext_info).toEqual(env.data.ext_info);
    });

    it('UpdateExtInfo refuses bad input and leaves ext_info as it was', async () => {
      const m = await member(t, { extInfo: { a: 1 } });
      const call = (ext_info: string | undefined, s = session(m)) =>
        t.legacy(ext_info === undefined ? { s: 'App.User.UpdateExtInfo' } : { s: 'App.User.UpdateExtInfo', ext_info }, { session: s, method: 'POST' });
      expect(await call(undefined)).toMatchObject({ ret: 400, msg: `${P}缺少必要参数ext_info` });
      expect(await call('{oops}')).toMatchObject({ ret: 400, msg: `${P}参数ext_info的JSON数据格式错误` });
      expect(await call('null')).toMatchObject({ ret: 400, msg: `${P}参数ext_info应该是JSON对象，如{"title": "x"}` });
      // Each part fits; merged, they do not.
      const half = 'x'.repeat(EXT_INFO_MAX_CHARS / 2);
      expect((await call(JSON.stringify({ p: half }))).ret).toBe(200);
      const tooBig = await call(JSON.stringify({ q: half }));
      expect(tooBig).toMatchObject({ ret: 400, msg: expect.stringMatching(new RegExp(`^${P}参数ext_info合并后的扩展信息不能超过${EXT_INFO_MAX_CHARS}个字符, 但现在有\\d+个$`)) });
      expect(await call('{}', { uuid: m.uuid, token: 'd'.repeat(64) })).toMatchObject({ ret: 401, msg: `${P}用户未登录，或登录凭证已过期` });
      expect(await t.legacy({ s: 'App.User.UpdateExtInfo', ext_info: '{}' })).toMatchObject({ ret: 400, msg: `${P}缺少必要参数uuid` });
      const after = await t.legacy({ s: 'App.User.Profile' }, { session: session(m) });
      expect((after.data.info as { ext_info: Record<string, unknown> }).ext_info).toEqual({ yesapi_nickname: '', yesapi_points: 0, a: 1, p: half });
    });

    it('concurrent UpdateExtInfo calls of one member each keep the others’ keys', async () => {
      const m = await member(t);
      const answers = await Promise.all(
        Array.from({ length: 12 }, (_, i) => t.legacy({ s: 'App.User.UpdateExtInfo', ext_info: JSON.stringify({ [`k${i}`]: i }) }, { session: session(m), method: 'POST' })),
      );
      expect(answers.map((a) => a.ret)).toEqual(Array(12).fill(200));
      const profile = await t.legacy({ s: 'App.User.Profile' }, { session: session(m) });
      const ext = (profile.data.info as { ext_info: Record<string, unknown> }).ext_info;
      for (let i = 0; i < 12; i++) expect(ext[`k${i}`]).toBe(i);
    });
  });

  describe('GraphQL face', () => {
    const PROFILE = `{ me { ${MEMBER_FIELDS} } }`;

    it('me is the signed-in member’s profile, the same the legacy face answers; null for a guest', async () => {
      const m = await member(t, { extInfo: { yesapi_nickname: 'gq' } });
      const res = await t.graphql<{ me: Record<string, unknown> }>(PROFILE, undefined, { session: session(m) });
      const legacy = (await t.legacy({ s: 'App.User.Profile' }, { session: session(m) })).data.info as Record<string, unknown>;
      expect(res.data?.me).toEqual({
        uuid: legacy.uuid,
        username: legacy.username,
        role: legacy.role,
        banned: false,
        registeredAt: legacy.register_time,
        lastLoginAt: legacy.last_login_time,
        extInfo: legacy.ext_info,
      });
      expect((await t.graphql<{ me: null }>(PROFILE)).data?.me).toBeNull();
      const dead = await t.graphql(PROFILE, undefined, { session: { uuid: m.uuid, token: 'e'.repeat(64) } });
      expect(dead.errors?.[0]).toMatchObject({ message: `${P}用户未登录，或登录凭证已过期`, extensions: { code: 'UNAUTHENTICATED', ret: 401 } });
    });

    it('member(uuid) and membersByUuid, with the uuid rule', async () => {
      const [a, b] = [await member(t), await member(t)];
      const q = `query($u: String!, $l: [String!]!) { member(uuid: $u) { uuid username } membersByUuid(uuids: $l) { uuid } }`;
      const res = await t.graphql<{ member: { uuid: string } | null; membersByUuid: Array<{ uuid: string }> }>(q, { u: a.uuid, l: [b.uuid, 'x', a.uuid, b.uuid] });
      expect(res.data).toEqual({ member: { uuid: a.uuid, username: a.username }, membersByUuid: [{ uuid: b.uuid }, { uuid: a.uuid }] });
      expect((await t.graphql<{ member: null }>(q, { u: 'F'.repeat(32), l: [] })).data?.member).toBeNull();
      const bad = await t.graphql(q, { u: 'F'.repeat(31), l: [] });
      expect(bad.errors?.[0]).toMatchObject({ message: `${P}uuid.len应该大于或等于32, 但现在uuid.len = 31`, extensions: { code: 'BAD_REQUEST', ret: 400 } });
    });

    it('register takes extInfo; updateExtInfo merges it and refuses what is not a JSON object', async () => {
      const password = md5('g');
      const reg = await t.graphql<{ register: { data: { uuid: string; extInfo: unknown } } }>(
        `mutation($x: JSON) { register(username: "gq_ext_${kind}", password: "${password}", extInfo: $x) { ... on MutationRegisterSuccess { data { uuid extInfo } } } }`,
        { x: { yesapi_nickname: 'n' } },
      );
      expect(reg.data?.register.data.extInfo).toEqual({ yesapi_nickname: 'n', yesapi_points: 0 });
      const notObject = await t.graphql(`mutation { register(username: "gq_ext2_${kind}", password: "${password}", extInfo: [1]) { __typename } }`);
      expect(notObject.errors?.[0]).toMatchObject({ message: `${P}参数extInfo应该是JSON对象，如{"title": "x"}`, extensions: { ret: 400 } });

      const m = await member(t, { extInfo: { a: 1 } });
      const UPDATE = `mutation($x: JSON!) { updateExtInfo(extInfo: $x) { ... on MutationUpdateExtInfoSuccess { data { extInfo } } } }`;
      const upd = await t.graphql<{ updateExtInfo: { data: { extInfo: unknown } } }>(UPDATE, { x: { b: 2 } }, { session: session(m) });
      expect(upd.data?.updateExtInfo.data.extInfo).toEqual({ yesapi_nickname: '', yesapi_points: 0, a: 1, b: 2 });
      const guest = await t.graphql(UPDATE, { x: { b: 3 } });
      expect(guest.errors?.[0]).toMatchObject({ message: `${P}用户未登录，或登录凭证已过期`, extensions: { ret: 401 } });
      const array = await t.graphql(UPDATE, { x: [1] }, { session: session(m) });
      expect(array.errors?.[0]).toMatchObject({ message: `${P}参数extInfo应该是JSON对象，如{"title": "x"}`, extensions: { ret: 400 } });
      const huge = await t.graphql(UPDATE, { x: { c: 'y'.repeat(EXT_INFO_MAX_CHARS) } }, { session: session(m) });
      expect(huge.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_REQUEST', ret: 400 });
      const me = await t.graphql<{ me: { extInfo: unknown } }>('{ me { extInfo } }', undefined, { session: session(m) });
      expect(me.data?.me.extInfo).toEqual({ yesapi_nickname: '', yesapi_points: 0, a: 1, b: 2 });
    });
  });
});
