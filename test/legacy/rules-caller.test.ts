/**
 * The platform's rule messages for the caller's own parameters (app_key, uuid, token), checked
 * before any lookup, and what a well-formed session that names nobody, or a dead one, answers.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { md5 } from '../../src/crypto.js';
import { useServer, type Envelope } from '../support/server.js';
import { countStatements, storeKinds } from '../support/stores.js';

const kinds = await storeKinds();
const P = '客户端非法请求：';

/** An app_key of the right length that no app has: its lookup cannot be cached. */
const unknownKey = () => randomBytes(16).toString('hex').toUpperCase();

describe.each(kinds)('caller rules on %s', (kind) => {
  const t = useServer(kind);

  /** A refusal: the ret, the exact message, and `data` `{}`. */
  function expectRefused(env: Envelope, ret: number, msg: string): void {
    expect({ ret: env.ret, msg: env.msg, data: env.data }).toEqual({ ret, msg, data: {} });
  }

  /** The answer to a call, and the statements the main store ran for it. */
  async function counted(call: () => Promise<Envelope>): Promise<{ env: Envelope; statements: string[] }> {
    const { result, statements } = await countStatements(t.rt.main, call);
    return { env: result, statements };
  }

  let member: { uuid: string; token: string };
  const session = async () => {
    if (member) return member;
    const password = md5('pw');
    await t.legacy({ s: 'App.User.Register', username: `caller_${kind}`, password });
    const login = await t.legacy({ s: 'App.User.Login', username: `caller_${kind}`, password });
    member = { uuid: login.data.uuid as string, token: login.data.token as string };
    return member;
  };

  describe('app_key: exactly 32 characters, before any lookup', () => {
    const cases: Array<[string, Record<string, string>, string]> = [
      ['absent', {}, `${P}缺少必要参数app_key`],
      ['empty', { app_key: '' }, `${P}app_key.len应该大于或等于32, 但现在app_key.len = 0`],
      ['31 characters', { app_key: 'A'.repeat(31) }, `${P}app_key.len应该大于或等于32, 但现在app_key.len = 31`],
      ['33 characters', { app_key: 'A'.repeat(33) }, `${P}app_key.len应该小于等于32, 但现在app_key.len = 33`],
      ['64 characters', { app_key: 'A'.repeat(64) }, `${P}app_key.len应该小于等于32, 但现在app_key.len = 64`],
    ];
    it.each(cases)('%s', async (_name, params, msg) => {
      const { env, statements } = await counted(() => t.legacy({ s: 'App.Hello.World', ...params }, { unsigned: true }));
      expectRefused(env, 400, msg);
      expect(statements).toEqual([]);
    });

    it('33 characters are a 400 on the path form and by POST too, never a 406', async () => {
      const env = await t.legacy({ s: 'App.Hello.World', app_key: 'B'.repeat(33) }, { unsigned: true, method: 'POST' });
      expectRefused(env, 400, `${P}app_key.len应该小于等于32, 但现在app_key.len = 33`);
    });

    it('32 characters that name no app: 406', async () => {
      expectRefused(await t.legacy({ s: 'App.Hello.World', app_key: unknownKey() }, { unsigned: true }), 406, `${P}非法app_key`);
    });
  });

  describe('uuid (32) and token (64), before any lookup', () => {
    const uuid = 'A'.repeat(32);
    const token = 'b'.repeat(64);
    const cases: Array<[string, Record<string, string>, string]> = [
      ['uuid of 31', { uuid: 'A'.repeat(31), token }, `${P}uuid.len应该大于或等于32, 但现在uuid.len = 31`],
      ['uuid of 33', { uuid: 'A'.repeat(33), token }, `${P}uuid.len应该小于等于32, 但现在uuid.len = 33`],
      ['token of 63', { uuid, token: 'b'.repeat(63) }, `${P}token.len应该大于或等于64, 但现在token.len = 63`],
      ['token of 65', { uuid, token: 'b'.repeat(65) }, `${P}token.len应该小于等于64, 但现在token.len = 65`],
      ['uuid without token', { uuid }, `${P}缺少必要参数token`],
      ['token without uuid', { token }, `${P}缺少必要参数uuid`],
      ['uuid with an empty token', { uuid, token: '' }, `${P}缺少必要参数token`],
      ['a 32-character uuid that is not hex names no member', { uuid: 'Z'.repeat(32), token }, `${P}非法请求，参数错误`],
    ];
    it.each(cases)('%s', async (_name, params, msg) => {
      await t.legacy({ s: 'App.Hello.World' }); // the app is cached now: any statement would be a member lookup
      const { env, statements } = await counted(() => t.legacy({ s: 'App.Hello.World', ...params }));
      expectRefused(env, 400, msg);
      expect(statements).toEqual([]);
    });

    it('are checked before the app is looked up (an unknown app_key does not answer first)', async () => {
      const { env, statements } = await counted(() => t.legacy({ s: 'App.Hello.World', app_key: unknownKey(), uuid: 'A'.repeat(31), token }, { unsigned: true }));
      expectRefused(env, 400, `${P}uuid.len应该大于或等于32, 但现在uuid.len = 31`);
      expect(statements).toEqual([]);
    });

    it('neither, or both empty: a guest', async () => {
      expect((await t.legacy({ s: 'App.Hello.World' })).ret).toBe(200);
      expect((await t.legacy({ s: 'App.Hello.World', uuid: '', token: '' })).ret).toBe(200);
    });
  });

  describe('a well-formed session', () => {
    it('whose uuid names no member of the app: 400 非法请求，参数错误', async () => {
      const env = await t.legacy({ s: 'App.Hello.World', uuid: randomBytes(16).toString('hex').toUpperCase(), token: 'b'.repeat(64) });
      expectRefused(env, 400, `${P}非法请求，参数错误`);
    });

    it('of a member of another app: 400 as well (the uuid names no member of this app)', async () => {
      const other = await t.newApp();
      const env = await t.legacy({ s: 'App.Hello.World', ...(await session()) }, { app: other });
      expectRefused(env, 400, `${P}非法请求，参数错误`);
    });

    it('of a known member whose token is dead: 401', async () => {
      const { uuid } = await session();
      expectRefused(await t.legacy({ s: 'App.Hello.World', uuid, token: 'c'.repeat(64) }), 401, `${P}用户未登录，或登录凭证已过期`);
    });

    it('that is live: accepted, in any case of its hex digits', async () => {
      const { uuid, token } = await session();
      expect((await t.legacy({ s: 'App.User.Check', uuid: uuid.toLowerCase(), token: token.toUpperCase() })).data).toEqual({ err_code: 0, err_msg: '', uuid });
    });

    it('App.User.Check of a dead session: ret 200, err_code 1, the platform’s message', async () => {
      const { uuid } = await session();
      const env = await t.legacy({ s: 'App.User.Check', uuid, token: 'c'.repeat(64) });
      expect({ ret: env.ret, data: env.data }).toEqual({ ret: 200, data: { err_code: 1, err_msg: `${P}登录会话已过期，请重新登录` } });
    });

    it('App.User.Check without a session: the rule of its parameters', async () => {
      expectRefused(await t.legacy({ s: 'App.User.Check' }), 400, `${P}缺少必要参数uuid`);
      const { uuid } = await session();
      expectRefused(await t.legacy({ s: 'App.User.Check', uuid: 'Z'.repeat(32), token: 'c'.repeat(64) }), 400, `${P}非法请求，参数错误`);
      expectRefused(await t.legacy({ s: 'App.User.Check', uuid }), 400, `${P}缺少必要参数token`);
    });

    it('App.User.Logout of a dead session: 401; of a live one: ended', async () => {
      const password = md5('pw2');
      await t.legacy({ s: 'App.User.Register', username: `logout_${kind}`, password });
      const login = await t.legacy({ s: 'App.User.Login', username: `logout_${kind}`, password });
      const live = { uuid: login.data.uuid as string, token: login.data.token as string };
      expect((await t.legacy({ s: 'App.User.Logout', ...live })).data).toEqual({ err_code: 0, err_msg: '' });
      expectRefused(await t.legacy({ s: 'App.User.Logout', ...live }), 401, `${P}用户未登录，或登录凭证已过期`);
    });
  });
});
