import { describe, expect, it } from 'vitest';
import { md5 } from '../../src/crypto.js';
import { dynamicSign } from '../../src/guards/sign.js';
import { BASE, signedParams, useServer, type Envelope } from '../support/server.js';
import { storeKinds } from '../support/stores.js';

const kinds = await storeKinds();

describe.each(kinds)('legacy face on %s', (kind) => {
  const t = useServer(kind);

  async function send(request: Request): Promise<{ res: Response; body: Envelope; text: string }> {
    const res = await t.fetch(request);
    const text = await res.text();
    return { res, body: JSON.parse(text) as Envelope, text };
  }

  it('answers App.Hello.World in the envelope with a verifiable _auth', async () => {
    const before = Math.floor(Date.now() / 1000);
    const { res, body, text } = await send(new Request(`${BASE}/?${signedParams({ s: 'App.Hello.World', name: 'dogstar' }, t.app)}`));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(Object.keys(body)).toEqual(['ret', 'data', 'msg', '_t', '_auth']);
    expect(body.ret).toBe(200);
    expect(body.data).toEqual({ err_code: 0, err_msg: '', title: 'Hi dogstar，欢迎使用小白开放接口！' });
    expect(body._t).toBeGreaterThanOrEqual(before);
    // _auth is md5 over the exact bytes of `data` in the body, then _t, then the secret.
    const dataText = text.slice(text.indexOf('"data":') + 7, text.indexOf(',"msg":'));
    expect(body._auth).toBe(md5(dataText + String(body._t) + t.app.appSecret));
    expect(dataText).toContain('欢迎'); // not \u-escaped
  });

  it('gives the same answer to GET, urlencoded POST, JSON POST, multipart POST and the path form', async () => {
    const params = signedParams({ s: 'App.Hello.World', name: '小白 & co+1' }, t.app);
    const get = await send(new Request(`${BASE}/?${params}`));
    const form = await send(new Request(`${BASE}/`, { method: 'POST', body: params, headers: { 'content-type': 'application/x-www-form-urlencoded' } }));
    const jsonBody = await send(
      new Request(`${BASE}/`, { method: 'POST', body: JSON.stringify(Object.fromEntries(params)), headers: { 'content-type': 'application/json' } }),
    );
    const fd = new FormData();
    for (const [k, v] of params) fd.append(k, v);
    const multipart = await send(new Request(`${BASE}/`, { method: 'POST', body: fd }));
    const pathParams = new URLSearchParams(params);
    const path = await send(new Request(`${BASE}/api/App/Hello/World?${pathParams}`));
    for (const r of [form, jsonBody, multipart, path]) {
      expect(r.body.ret).toBe(200);
      expect(r.body.data).toEqual(get.body.data);
    }
    expect(get.body.data.title).toBe('Hi 小白 & co+1，欢迎使用小白开放接口！');
  });

  it('lets a body value win over the query value and `service` win over `s`', async () => {
    const params = signedParams({ service: 'App.Hello.World', s: 'App.Nope.Nope', name: 'body' }, t.app);
    const query = new URLSearchParams({ name: 'query' });
    const { body } = await send(
      new Request(`${BASE}/?${query}`, { method: 'POST', body: params, headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
    );
    expect(body.ret).toBe(200);
    expect(body.data.title).toContain('body');
  });

  it('return_data=1 answers only data', async () => {
    const { body } = await send(new Request(`${BASE}/?${signedParams({ s: 'App.Hello.World', return_data: '1' }, t.app)}`));
    expect(body).toEqual({ err_code: 0, err_msg: '', title: 'Hi YesApi，欢迎使用小白开放接口！' });
  });

  it('adds CORS headers and answers the preflight with yesapi_allow_origin=1', async () => {
    const { res } = await send(
      new Request(`${BASE}/?${signedParams({ s: 'App.Hello.World', yesapi_allow_origin: '1' }, t.app)}`, { headers: { origin: 'https://m.example' } }),
    );
    expect(res.headers.get('access-control-allow-origin')).toBe('https://m.example');
    const pre = await t.fetch(new Request(`${BASE}/?s=App.Hello.World&yesapi_allow_origin=1`, { method: 'OPTIONS' }));
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-methods')).toContain('POST');
    const plain = await t.fetch(new Request(`${BASE}/?${signedParams({ s: 'App.Hello.World' }, t.app)}`));
    expect(plain.headers.get('access-control-allow-origin')).toBeNull();
  });

  describe('bad input: a clear envelope, never a 500', () => {
    const cases: Array<[string, () => Promise<Envelope>, number, string]> = [
      ['missing app key', () => t.legacy({ s: 'App.Hello.World' }, { unsigned: true }), 400, '客户端非法请求：缺少必要参数app_key'],
      [
        'short app key',
        () => t.legacy({ s: 'App.Hello.World', app_key: '0123456789ABCDEF0123456789ABCDE' }, { unsigned: true }),
        400,
        '客户端非法请求：app_key.len应该大于或等于32, 但现在app_key.len = 31',
      ],
      [
        'unknown app key',
        () => t.legacy({ s: 'App.Hello.World', app_key: 'FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF' }, { unsigned: true }),
        406,
        '客户端非法请求：非法app_key',
      ],
      ['unknown service', () => t.legacy({ s: 'App.No.Such' }), 404, '客户端非法请求：接口服务App.No.Such不存在'],
      ['no service', () => t.legacy({}), 400, '客户端非法请求：缺少必要参数s'],
      ['missing signature', () => t.legacy({ s: 'App.Hello.World', app_key: t.app.appKey }, { unsigned: true }), 409, '客户端非法请求：缺少签名sign'],
      [
        'wrong signature',
        () => t.legacy({ s: 'App.Hello.World', app_key: t.app.appKey, sign: 'A'.repeat(32) }, { unsigned: true }),
        409,
        '客户端非法请求：签名错误',
      ],
      ['parameter over its length', () => t.legacy({ s: 'App.Hello.World', name: 'x'.repeat(51) }), 400, '客户端非法请求：name.len应该小于等于50, 但现在name.len = 51'],
    ];
    it.each(cases)('%s', async (_name, call, ret, msg) => {
      const body = await call();
      expect(body).toMatchObject({ ret, data: {}, msg });
    });

    it('a + that a client failed to encode arrives as a space and does not verify (409)', async () => {
      const params = new Map([
        ['s', 'App.Hello.World'],
        ['name', 'a+b'],
        ['app_key', t.app.appKey],
      ]);
      const sign = dynamicSign(params, t.app.appSecret);
      const { body } = await send(new Request(`${BASE}/?s=App.Hello.World&name=a+b&app_key=${t.app.appKey}&sign=${sign}`));
      expect(body.ret).toBe(409);
    });

    it('static and off signature modes', async () => {
      const stat = await t.newApp('static');
      const ok = await t.legacy({ s: 'App.Hello.World', app_key: stat.appKey, sign: stat.staticSign! }, { unsigned: true });
      expect(ok.ret).toBe(200);
      const bad = await t.legacy({ s: 'App.Hello.World' }, { app: stat });
      expect(bad).toMatchObject({ ret: 409, msg: '客户端非法请求：签名错误' });
      const off = await t.newApp('off');
      expect((await t.legacy({ s: 'App.Hello.World', app_key: off.appKey }, { unsigned: true })).ret).toBe(200);
    });

    it('disabled (408) and expired (407) apps', async () => {
      const app = await t.newApp();
      await t.rt.appRecords.update(app.id, { status: 'disabled' });
      t.rt.apps.forget();
      expect((await t.legacy({ s: 'App.Hello.World' }, { app })).ret).toBe(408);
      await t.rt.appRecords.update(app.id, { status: 'active', expiresAt: '2001-01-01 00:00:00' });
      t.rt.apps.forget();
      expect((await t.legacy({ s: 'App.Hello.World' }, { app })).ret).toBe(407);
    });

    it('malformed JSON body', async () => {
      const { body } = await send(new Request(`${BASE}/`, { method: 'POST', body: '{"s":"App.Hello.World",', headers: { 'content-type': 'application/json' } }));
      expect(body).toMatchObject({ ret: 400, msg: '客户端非法请求：请求体不是合法的JSON' });
    });

    it('a body over the size limit', async () => {
      const big = 'name=' + 'x'.repeat(t.rt.config.bodyLimit + 1);
      const { body } = await send(new Request(`${BASE}/`, { method: 'POST', body: big, headers: { 'content-type': 'application/x-www-form-urlencoded' } }));
      expect(body).toMatchObject({ ret: 400, msg: `客户端非法请求：请求体不能超过${t.rt.config.bodyLimit}字节` });
    });

    it('a parameter given twice with different values (the same value twice is fine)', async () => {
      const params = signedParams({ s: 'App.Hello.World', name: 'a' }, t.app);
      const twiceSame = await send(new Request(`${BASE}/?${params}&name=a`));
      expect(twiceSame.body.ret).toBe(200);
      const twiceDifferent = await send(new Request(`${BASE}/?${params}&name=b`));
      expect(twiceDifferent.body).toMatchObject({ ret: 400, msg: '客户端非法请求：参数name重复出现且取值不同' });
    });

    it('non-UTF-8 bytes in the query and in the body', async () => {
      const q = await send(new Request(`${BASE}/?s=App.Hello.World&name=%FF%FE`));
      expect(q.body).toMatchObject({ ret: 400, msg: '客户端非法请求：参数不是合法的UTF-8编码' });
      const b = await send(
        new Request(`${BASE}/`, { method: 'POST', body: new Uint8Array([0x6e, 0x3d, 0xc3, 0x28]), headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
      );
      expect(b.body).toMatchObject({ ret: 400, msg: '客户端非法请求：参数不是合法的UTF-8编码' });
    });

    it('a member session that names nobody (400) and a uuid without token (400); test/legacy/rules-caller.test.ts has the rest', async () => {
      expect(await t.legacy({ s: 'App.Hello.World', uuid: 'A'.repeat(32), token: 'b'.repeat(64) })).toMatchObject({
        ret: 400,
        msg: '客户端非法请求：非法请求，参数错误',
      });
      expect(await t.legacy({ s: 'App.Hello.World', uuid: 'A'.repeat(32) })).toMatchObject({ ret: 400, msg: '客户端非法请求：缺少必要参数token' });
    });
  });

  it('members: register, login, check, logout', async () => {
    const password = md5('s3cret');
    const reg = await t.legacy({ s: 'App.User.Register', username: `u_${kind}`, password });
    expect(reg.data.err_code).toBe(0);
    expect(reg.data.uuid).toMatch(/^[0-9A-F]{32}$/);
    const again = await t.legacy({ s: 'App.User.Register', username: `u_${kind}`, password });
    expect(again.data).toMatchObject({ err_code: 1, err_msg: '用户名已被注册' });
    expect((await t.legacy({ s: 'App.User.Login', username: `u_${kind}`, password: md5('wrong') })).data.err_code).toBe(1);
    const login = await t.legacy({ s: 'App.User.Login', username: `u_${kind}`, password });
    const session = { uuid: login.data.uuid as string, token: login.data.token as string };
    expect(session.uuid).toBe(reg.data.uuid);
    expect(session.token).toMatch(/^[0-9a-f]{64}$/);
    expect((await t.legacy({ s: 'App.User.Check' }, { session })).data.err_code).toBe(0);
    expect((await t.legacy({ s: 'App.User.Logout' }, { session })).data.err_code).toBe(0);
    expect((await t.legacy({ s: 'App.User.Check' }, { session })).data.err_code).toBe(1);
    expect((await t.legacy({ s: 'App.Hello.World' }, { session })).ret).toBe(401);
    // Another app does not know this member.
    const other = await t.newApp();
    const login2 = await t.legacy({ s: 'App.User.Login', username: `u_${kind}`, password }, { app: other });
    expect(login2.data.err_code).toBe(1);
  });

  it('registers exactly one of concurrent registrations of one username', async () => {
    const password = md5('pw');
    const answers = await Promise.all(Array.from({ length: 8 }, () => t.legacy({ s: 'App.User.Register', username: 'raced', password })));
    expect(answers.map((a) => a.ret)).toEqual(Array(8).fill(200));
    expect(answers.filter((a) => a.data.err_code === 0)).toHaveLength(1);
    expect(answers.filter((a) => a.data.err_code === 1).map((a) => a.data.err_msg)).toEqual(Array(7).fill('用户名已被注册'));
  });

  it('a server fault answers ret=500 with an error id and no detail', async () => {
    const password = md5('pw');
    await t.legacy({ s: 'App.User.Register', username: 'faulty', password });
    const login = await t.legacy({ s: 'App.User.Login', username: 'faulty', password });
    const session = { uuid: login.data.uuid as string, token: login.data.token as string };
    const { sql } = await import('../../src/db/sql.js');
    await t.rt.main.execute(sql`ALTER TABLE yg_member_session RENAME TO yg_member_session_gone`);
    try {
      const body = await t.legacy({ s: 'App.Hello.World' }, { session });
      expect(body.ret).toBe(500);
      expect(body.data).toEqual({});
      expect(body.msg).toMatch(/^服务端异常，错误编号：[0-9a-f-]{36}$/);
      expect(body.msg).not.toMatch(/yg_member|SELECT|sql/i);
    } finally {
      await t.rt.main.execute(sql`ALTER TABLE yg_member_session_gone RENAME TO yg_member_session`);
    }
  });
});
