/**
 * Each guard through both faces, over SQLite and MariaDB (the settings are stored there): IP
 * deny (402) and allow (403) lists, disabled (408), expired (407), services off (415), rate
 * (414), quota with per-service costs (413), the replay window (409), and their one order. The
 * caller's address is the `remoteAddress` server.fetch is given, as the HTTP listener gives it.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CACHE_MS } from '../../src/guards/app.js';
import { payloadSign } from '../../src/guards/sign.js';
import type { App, AppSettingsChange } from '../../src/records/apps.js';
import { BASE, signedParams, useServer, type Envelope, type TestServer } from '../support/server.js';
import { listen } from '../../src/server.js';
import { countStatements, storeKinds } from '../support/stores.js';
import { request } from './support.js';

const kinds = await storeKinds();
const P = '客户端非法请求：';
const OUTSIDE = '203.0.113.9';
const HOME = '198.51.100.7';

type Face = 'legacy' | 'graphql';
const FACES: Face[] = ['legacy', 'graphql'];

interface Outcome {
  ret: number;
  msg: string;
}

interface CallOptions {
  ip?: string | null;
  /** Legacy parameters besides app_key and sign (default: App.Hello.World). */
  params?: Record<string, string>;
  /** GraphQL body (default `{ hello }`). */
  body?: unknown;
  headers?: Record<string, string>;
  /** Sign with this secret instead of the app's. */
  secret?: string;
}

function outcomeOf(body: { ret?: number; msg?: string; errors?: Array<{ message: string; extensions?: { ret?: number } }> }): Outcome {
  if ('ret' in body) return { ret: body.ret!, msg: body.msg! };
  const e = body.errors?.[0];
  return e ? { ret: e.extensions?.ret ?? -1, msg: e.message } : { ret: 200, msg: '' };
}

/** One call of `app` on a face, from `ip` (the socket's address). */
async function call(t: TestServer, face: Face, app: App, o: CallOptions = {}): Promise<Outcome> {
  const info = o.ip === null ? {} : { remoteAddress: o.ip ?? HOME };
  const signer = o.secret === undefined ? app : { ...app, appSecret: o.secret };
  if (face === 'legacy') {
    const q = signedParams(o.params ?? { s: 'App.Hello.World' }, signer);
    const res = await t.server.fetch(new Request(`${BASE}/?${q}`, { headers: o.headers }), info);
    return outcomeOf((await res.json()) as Envelope);
  }
  const text = JSON.stringify(o.body ?? { query: '{ hello }' });
  const headers = { 'content-type': 'application/json', 'x-app-key': app.appKey, 'x-sign': payloadSign(text, signer.appSecret), ...o.headers };
  const res = await t.server.fetch(new Request(`${BASE}/graphql`, { method: 'POST', headers, body: text }), info);
  const body = (await res.json()) as Parameters<typeof outcomeOf>[0];
  // A batch answers an array: the first refusal, else 200.
  if (Array.isArray(body)) return (body as Array<Parameters<typeof outcomeOf>[0]>).map(outcomeOf).find((x) => x.ret !== 200) ?? { ret: 200, msg: '' };
  return outcomeOf(body);
}

async function rets(t: TestServer, face: Face, app: App, n: number, o: CallOptions = {}): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await call(t, face, app, o)).ret);
  return out;
}

describe.each(kinds)('the guards on %s', (kind) => {
  const t = useServer(kind);

  /** A new app with these settings, seen by the server at once. */
  async function appWith(change: AppSettingsChange, signMode: App['signMode'] = 'dynamic'): Promise<App> {
    const app = await t.newApp(signMode);
    await t.rt.appRecords.updateSettings(app.id, change);
    t.rt.apps.forget();
    return (await t.rt.appRecords.findByKey(app.appKey))!;
  }

  describe.each(FACES)('on the %s face', (face) => {
    it('IP deny list: 402 for an address in a range, IPv4, IPv6 and IPv4-mapped; others pass', async () => {
      const app = await appWith({ ipDeny: ['203.0.113.0/24', '2001:db8::/32'] });
      const denied = { ret: 402, msg: `${P}IP已被黑名单拦截` };
      expect(await call(t, face, app, { ip: OUTSIDE })).toEqual(denied);
      expect(await call(t, face, app, { ip: `::ffff:${OUTSIDE}` })).toEqual(denied);
      expect(await call(t, face, app, { ip: '2001:db8:42::1' })).toEqual(denied);
      expect((await call(t, face, app, { ip: HOME })).ret).toBe(200);
      expect((await call(t, face, app, { ip: '2001:db9::1' })).ret).toBe(200);
      // Without a known address nothing matches a deny list.
      expect((await call(t, face, app, { ip: null })).ret).toBe(200);
    });

    it('IP allow list: 403 for an address outside every range and for an unknown address', async () => {
      const app = await appWith({ ipAllow: ['198.51.100.0/24', '::1'] });
      expect((await call(t, face, app, { ip: HOME })).ret).toBe(200);
      expect((await call(t, face, app, { ip: '::1' })).ret).toBe(200);
      expect(await call(t, face, app, { ip: OUTSIDE })).toEqual({ ret: 403, msg: `${P}IP未命中白名单` });
      expect((await call(t, face, app, { ip: null })).ret).toBe(403);
    });

    it('a blocked address costs no SQL statement and no signature check, an unknown key no statement the second time', async () => {
      const app = await appWith({ ipDeny: [OUTSIDE] });
      expect((await call(t, face, app)).ret).toBe(200); // the app is cached now
      const blocked = await countStatements(t.rt.main, () => call(t, face, app, { ip: OUTSIDE, secret: 'a wrong secret' }));
      expect(blocked.result.ret).toBe(402);
      expect(blocked.statements).toEqual([]);

      const stranger = { ...app, appKey: 'F0'.repeat(16) };
      expect((await call(t, face, stranger)).ret).toBe(406);
      const again = await countStatements(t.rt.main, () => call(t, face, stranger));
      expect(again.result.ret).toBe(406);
      expect(again.statements).toEqual([]);
    });

    it('disabled (408) before expired (407), both after the IP lists', async () => {
      const app = await appWith({ status: 'disabled', expiresAt: '2001-01-01 00:00:00', ipDeny: [OUTSIDE] });
      expect((await call(t, face, app, { ip: OUTSIDE })).ret).toBe(402);
      expect(await call(t, face, app)).toEqual({ ret: 408, msg: `${P}当前应用存在异常，已被封号` });
      await t.rt.appRecords.updateSettings(app.id, { status: 'active' });
      t.rt.apps.forget();
      expect(await call(t, face, app)).toEqual({ ret: 407, msg: `${P}当前应用已过期` });
      await t.rt.appRecords.updateSettings(app.id, { expiresAt: '2999-01-01 00:00:00' });
      t.rt.apps.forget();
      expect((await call(t, face, app)).ret).toBe(200);
    });

    it('a service switched off: 415, after the signature, before rate and quota; the others still answer', async () => {
      const app = await appWith({ servicesOff: ['App.Hello.World'], rate: { limit: 1, seconds: 3600 }, quota: 1 });
      const off = { ret: 415, msg: `${P}接口已被开发者关闭` };
      expect(await call(t, face, app)).toEqual(off);
      expect(await call(t, face, app, { params: { s: 'app.hello.world' } })).toEqual(off);
      expect((await call(t, face, app, { secret: 'wrong-secret-0000' })).ret).toBe(409);
      expect(await call(t, face, app)).toEqual(off);
      // Neither the refused calls nor the signature failure took the one token or the one unit.
      const show = face === 'legacy' ? { params: { s: 'App.Market_Message.Show' } } : { body: { query: '{ messages { total } }' } };
      expect((await call(t, face, app, show)).ret).toBe(200);
      expect((await call(t, face, app, show)).ret).toBe(414);
    });

    it('rate: a bucket of 3 an hour answers 3 calls, then 414', async () => {
      const app = await appWith({ rate: { limit: 3, seconds: 3600 } });
      expect(await rets(t, face, app, 5)).toEqual([200, 200, 200, 414, 414]);
      expect((await call(t, face, app)).msg).toBe(`${P}并发过高`);
    });

    it('rate under concurrency: 40 calls at once against a bucket of 7, exactly 7 answered', async () => {
      const app = await appWith({ rate: { limit: 7, seconds: 3600 } });
      const all = await Promise.all(Array.from({ length: 40 }, () => call(t, face, app)));
      expect(all.filter((o) => o.ret === 200).length).toBe(7);
      expect(all.filter((o) => o.ret === 414).length).toBe(33);
    });

    it('quota: calls cost their service’s cost (default 1) until the month’s units are spent, then 413', async () => {
      const app = await appWith({ quota: 10, costs: { 'App.Hello.World': 3 } });
      const show = face === 'legacy' ? { params: { s: 'App.Market_Message.Show' } } : { body: { query: '{ messages { total } }' } };
      expect(await rets(t, face, app, 4)).toEqual([200, 200, 200, 413]); // 9 units
      expect((await call(t, face, app, show)).ret).toBe(200); // 10
      expect(await call(t, face, app, show)).toEqual({ ret: 413, msg: `${P}本月接口流量超出，已被临时冻结` });
    });

    it('quota under concurrency: 40 calls at once against 11 units, exactly 11 answered', async () => {
      const app = await appWith({ quota: 11 });
      const all = await Promise.all(Array.from({ length: 40 }, () => call(t, face, app)));
      expect(all.filter((o) => o.ret === 200).length).toBe(11);
    });

    it('a call the rate refuses costs no quota; a free service (cost 0) passes a spent quota', async () => {
      const app = await appWith({ quota: 4, rate: { limit: 2, seconds: 3600 }, costs: { 'App.Market_Message.Show': 0 } });
      expect(await rets(t, face, app, 4)).toEqual([200, 200, 414, 414]);
      await t.rt.appRecords.updateSettings(app.id, { rate: null });
      t.rt.apps.forget();
      expect(await rets(t, face, app, 3)).toEqual([200, 200, 413]);
      const show = face === 'legacy' ? { params: { s: 'App.Market_Message.Show' } } : { body: { query: '{ messages { total } }' } };
      expect((await call(t, face, app, show)).ret).toBe(200);
    });
  });

  describe('GraphQL operations', () => {
    it('an operation costs the sum of its root fields (aliases too); introspection is free', async () => {
      const app = await appWith({ quota: 10, costs: { 'App.Hello.World': 3 } });
      expect((await call(t, 'graphql', app, { body: { query: '{ a: hello b: hello }' } })).ret).toBe(200); // 6
      expect((await call(t, 'graphql', app, { body: { query: '{ a: hello b: hello }' } })).ret).toBe(413); // 12 > 10
      expect((await call(t, 'graphql', app, { body: { query: '{ __typename ...F } fragment F on Query { hello }' } })).ret).toBe(200); // 9
      expect((await call(t, 'graphql', app, { body: { query: '{ __schema { queryType { name } } }' } })).ret).toBe(200); // 9
      expect((await call(t, 'graphql', app, { body: { query: '{ me { uuid } }' } })).ret).toBe(200); // 10: a field that is no service costs 1
      expect((await call(t, 'graphql', app, { body: { query: '{ me { uuid } }' } })).ret).toBe(413);
    });

    it('a batch counts once per operation against the rate and the quota', async () => {
      const rated = await appWith({ rate: { limit: 3, seconds: 3600 } });
      const batch = [{ query: '{ hello }' }, { query: '{ hello(name: "b") }' }];
      const answer = async (app: App) => {
        const text = JSON.stringify(batch);
        const res = await t.server.fetch(
          new Request(`${BASE}/graphql`, {
            method: 'POST',
            body: text,
            headers: { 'content-type': 'application/json', 'x-app-key': app.appKey, 'x-sign': payloadSign(text, app.appSecret) },
          }),
          { remoteAddress: HOME },
        );
        return ((await res.json()) as Array<Parameters<typeof outcomeOf>[0]>).map((r) => outcomeOf(r).ret);
      };
      expect(await answer(rated)).toEqual([200, 200]);
      expect(await answer(rated)).toEqual([200, 414]);
      const metered = await appWith({ quota: 3 });
      expect(await answer(metered)).toEqual([200, 200]);
      expect(await answer(metered)).toEqual([200, 413]);
    });
  });

  describe('the replay window', () => {
    const now = () => String(Math.floor(Date.now() / 1000));

    it('legacy: a signed _time within the window, each signature once', async () => {
      const app = await appWith({ replayWindow: 60 });
      expect(await call(t, 'legacy', app)).toEqual({ ret: 400, msg: `${P}缺少必要参数_time` });
      expect(await call(t, 'legacy', app, { params: { s: 'App.Hello.World', _time: 'soon' } })).toEqual({ ret: 400, msg: `${P}_time应该是整数, 但现在_time = soon` });
      const old = String(Math.floor(Date.now() / 1000) - 120);
      expect(await call(t, 'legacy', app, { params: { s: 'App.Hello.World', _time: old } })).toEqual({ ret: 409, msg: `${P}请求时间_time与服务器时间相差超过60秒` });
      const params = { s: 'App.Hello.World', _time: now(), name: 'once' };
      expect((await call(t, 'legacy', app, { params })).ret).toBe(200);
      expect(await call(t, 'legacy', app, { params })).toEqual({ ret: 409, msg: `${P}重复的请求：同一签名在60秒内只能使用一次` });
      expect((await call(t, 'legacy', app, { params: { ...params, name: 'twice' } })).ret).toBe(200);
      // _time is signed like any parameter: changing it breaks the signature.
      const q = signedParams(params, app);
      q.set('_time', String(Number(params._time) + 1));
      const res = (await (await t.server.fetch(new Request(`${BASE}/?${q}`))).json()) as Envelope;
      expect(res.ret).toBe(409);
    });

    it('legacy: ten copies of one signed call at once, exactly one answered', async () => {
      const app = await appWith({ replayWindow: 30 });
      const params = { s: 'App.Hello.World', _time: now(), name: 'race' };
      const all = await Promise.all(Array.from({ length: 10 }, () => call(t, 'legacy', app, { params })));
      expect(all.map((o) => o.ret).sort()).toEqual([200, ...Array<number>(9).fill(409)]);
    });

    it('a static-sign app: only the time is checked (its sign is the same on every call)', async () => {
      const app = await appWith({ replayWindow: 60 }, 'static');
      const hello = async (time: string) => {
        const res = await t.server.fetch(new Request(`${BASE}/?s=App.Hello.World&app_key=${app.appKey}&sign=${app.staticSign}&_time=${time}`));
        return ((await res.json()) as Envelope).ret;
      };
      expect([await hello(now()), await hello(now())]).toEqual([200, 200]);
      expect(await hello('1')).toBe(409);
    });

    it('GraphQL: extensions.time in the signed body, each x-sign once; a nonce tells equal operations apart', async () => {
      const app = await appWith({ replayWindow: 60 });
      expect(await call(t, 'graphql', app)).toEqual({ ret: 400, msg: `${P}缺少必要参数extensions.time` });
      const old = Math.floor(Date.now() / 1000) - 61;
      expect(await call(t, 'graphql', app, { body: { query: '{ hello }', extensions: { time: old } } })).toEqual({
        ret: 409,
        msg: `${P}请求时间extensions.time与服务器时间相差超过60秒`,
      });
      const body = { query: '{ hello }', extensions: { time: Math.floor(Date.now() / 1000), nonce: 'n1' } };
      expect((await call(t, 'graphql', app, { body })).ret).toBe(200);
      expect((await call(t, 'graphql', app, { body })).ret).toBe(409);
      expect((await call(t, 'graphql', app, { body: { ...body, extensions: { ...body.extensions, nonce: 'n2' } } })).ret).toBe(200);
      // A GET carries them in its `extensions` parameter, under the signature of the query string.
      const qs = `query=${encodeURIComponent('{ hello }')}&extensions=${encodeURIComponent(JSON.stringify({ time: Math.floor(Date.now() / 1000) }))}`;
      const get = () =>
        t.server.fetch(new Request(`${BASE}/graphql?${qs}`, { headers: { accept: 'application/json', 'x-app-key': app.appKey, 'x-sign': payloadSign(qs, app.appSecret) } }));
      expect(outcomeOf(await (await get()).json()).ret).toBe(200);
      expect(outcomeOf(await (await get()).json()).ret).toBe(409);
    });
  });

  it('a change made elsewhere (the CLI, another instance) holds within the cache time, without forget()', async () => {
    const app = await t.newApp();
    expect((await call(t, 'legacy', app)).ret).toBe(200);
    await t.rt.appRecords.updateSettings(app.id, { servicesOff: ['App.Hello.World'] });
    const started = Date.now();
    let ret = 200;
    while (ret === 200 && Date.now() - started < CACHE_MS + 2_000) {
      await new Promise((r) => setTimeout(r, 100));
      ret = (await call(t, 'legacy', app)).ret;
    }
    expect(ret).toBe(415);
    expect(Date.now() - started).toBeLessThan(CACHE_MS + 1_000);
  });
});

describe('the client address behind trusted proxies', () => {
  const t = useServer('sqlite', { trustedProxies: ['127.0.0.1', '10.0.0.0/8'] });

  it.each(FACES)('%s: X-Forwarded-For counts only from a trusted proxy, walked from the right', async (face) => {
    const app = await t.newApp();
    await t.rt.appRecords.updateSettings(app.id, { ipDeny: [OUTSIDE] });
    t.rt.apps.forget();
    const via = (ip: string, xff: string) => call(t, face, app, { ip, headers: { 'x-forwarded-for': xff } });
    expect((await via('127.0.0.1', OUTSIDE)).ret).toBe(402);
    expect((await via('::ffff:127.0.0.1', `${HOME}, ${OUTSIDE}, 10.1.1.1`)).ret).toBe(402);
    // The client may write anything left of what the proxies appended.
    expect((await via('127.0.0.1', `${OUTSIDE}, ${HOME}`)).ret).toBe(200);
    // An untrusted peer's header is not read.
    expect((await via(HOME, OUTSIDE)).ret).toBe(200);
    expect((await via(OUTSIDE, HOME)).ret).toBe(402);
  });
});

describe.each([true, false])('the socket address over real HTTP (raw-URL normalizer %s)', (rawUrl) => {
  const t = useServer('sqlite');
  let http: Server;
  let port: number;

  beforeAll(async () => {
    http = await listen(t.server, '127.0.0.1', 0, { rawUrl });
    port = (http.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => http.close(resolve));
  });

  it('reaches the guards on the native legacy path and through the GraphQL bridge', async () => {
    const app = await t.newApp();
    await t.rt.appRecords.updateSettings(app.id, { ipDeny: ['127.0.0.0/8'] });
    t.rt.apps.forget();
    const legacy = await request(`http://127.0.0.1:${port}/?${signedParams({ s: 'App.Hello.World' }, app)}`);
    expect(JSON.parse(legacy.text)).toMatchObject({ ret: 402 });
    const body = JSON.stringify({ query: '{ hello }' });
    const graphql = await request(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'x-app-key': app.appKey, 'x-sign': payloadSign(body, app.appSecret) },
    });
    expect(JSON.parse(graphql.text).errors[0].extensions).toEqual({ code: 'FORBIDDEN_IP', ret: 402 });
    await t.rt.appRecords.updateSettings(app.id, { ipDeny: [], ipAllow: ['127.0.0.1'] });
    t.rt.apps.forget();
    expect(JSON.parse((await request(`http://127.0.0.1:${port}/?${signedParams({ s: 'App.Hello.World' }, app)}`)).text)).toMatchObject({ ret: 200 });
  });
});
