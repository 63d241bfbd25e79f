/**
 * Routing between the faces (every path but yesgraph's own is the legacy face), two-part service
 * names, `_auth` only on accepted calls, nesting limits on the GraphQL body, and the last-resort
 * fault answer — through `server.fetch` and through real HTTP.
 */
import type { Server } from 'node:http';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH } from '../../src/json.js';
import { md5 } from '../../src/crypto.js';
import { payloadSign } from '../../src/guards/sign.js';
import { createServer, listen, type ServerOptions, type YesgraphServer } from '../../src/server.js';
import { BASE, signedParams, useServer, type Envelope } from '../support/server.js';
import { storeKinds } from '../support/stores.js';
import { exchange, portOf } from './raw-socket.js';

const kinds = await storeKinds();
const HELLO = 'Hi YesApi，欢迎使用小白开放接口！';
const ERROR_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe.each(kinds)('faces (main store on %s)', (kind) => {
  const t = useServer(kind);

  async function envelope(request: Request, server: Pick<YesgraphServer, 'fetch'> = t.server): Promise<{ res: Response; text: string; body: Envelope }> {
    const res = await server.fetch(request);
    const text = await res.text();
    return { res, text, body: JSON.parse(text) as Envelope };
  }

  describe('every path that is not yesgraph’s own is the legacy face', () => {
    it.each(['/', '/index.php', '//', '/nope', '/a/b/c.php', '/graphql/', '/api/App/Hello'])('%s without `s` answers the envelope', async (path) => {
      const { res, body } = await envelope(new Request(`${BASE}${path}`));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(body).toMatchObject({ ret: 400, data: {}, msg: '客户端非法请求：缺少必要参数s', _auth: '' });
    });

    it.each(['/', '//', '/whatever.php', '/api/App/Hello/World', '//api/App/Hello/World', '//api/App/Hello/World/'])('serves a signed call on %s', async (path) => {
      const params = signedParams(path.includes('/api/') ? {} : { s: 'App.Hello.World' }, t.app);
      const get = await envelope(new Request(`${BASE}${path}?${params}`));
      expect(get.body).toMatchObject({ ret: 200, data: { title: HELLO }, msg: '当前请求接口：App.Hello.World' });
      const fd = new FormData();
      for (const [k, v] of params) fd.append(k, v);
      const multipart = await envelope(new Request(`${BASE}${path}`, { method: 'POST', body: fd }));
      expect(multipart.body).toMatchObject({ ret: 200, data: { title: HELLO } });
    });

    it('keeps /graphql and /healthz for themselves', async () => {
      expect(await (await t.fetch(new Request(`${BASE}/healthz`))).json()).toEqual({ status: 'ok' });
      const gql = await t.graphql('{ hello(name: "x") }');
      expect(gql).toEqual({ data: { hello: 'Hi x，欢迎使用小白开放接口！' } });
    });
  });

  describe('two-part service names mean namespace App', () => {
    it.each<Record<string, string>>([
      { s: 'Hello.World' },
      { service: 'Hello.World' },
      { s: 'hello.world' },
      { service: 'HELLO.WORLD', s: 'Nope.Nope' },
      { s: 'app.hello.world' },
    ])('%o', async (params) => {
      expect(await t.legacy(params)).toMatchObject({ ret: 200, data: { title: HELLO }, msg: '当前请求接口：App.Hello.World' });
    });

    it('names App.X.Y in the 404 of an unknown two-part name, and leaves other names as they are', async () => {
      expect(await t.legacy({ s: 'No.Such' })).toMatchObject({ ret: 404, msg: '客户端非法请求：接口服务App.No.Such不存在' });
      expect(await t.legacy({ s: 'Hello' })).toMatchObject({ ret: 404, msg: '客户端非法请求：接口服务Hello不存在' });
      expect(await t.legacy({ s: 'Other.Hello.World' })).toMatchObject({ ret: 404, msg: '客户端非法请求：接口服务Other.Hello.World不存在' });
    });
  });

  describe('`_auth` only on accepted calls', () => {
    it('signs an accepted call, and not a refused one of the same app', async () => {
      const ok = await envelope(new Request(`${BASE}/?${signedParams({ s: 'App.Hello.World' }, t.app)}`));
      const data = ok.text.slice(ok.text.indexOf('"data":') + 7, ok.text.indexOf(',"msg":'));
      expect(ok.body._auth).toBe(md5(data + String(ok.body._t) + t.app.appSecret));
      expect(await t.legacy({ s: 'App.Hello.World', app_key: t.app.appKey, sign: 'A'.repeat(32) }, { unsigned: true })).toMatchObject({
        ret: 409,
        data: {},
        _auth: '',
      });
      expect(await t.legacy({ s: 'App.Hello.World', name: 'x'.repeat(51) })).toMatchObject({ ret: 400, _auth: '' });
    });
  });

  describe('nesting of a GraphQL JSON body', () => {
    const query = '{ hello(name: "x") }';
    async function post(body: string): Promise<Response> {
      const headers = { 'content-type': 'application/json', 'x-app-key': t.app.appKey, 'x-sign': payloadSign(body, t.app.appSecret) };
      const server = createServer({ ...t.rt, config: { ...t.rt.config, bodyLimit: 1 << 20 } });
      return server.fetch(new Request(`${BASE}/graphql`, { method: 'POST', headers, body }));
    }
    const nested = (depth: number) => `{"query":${JSON.stringify(query)},"variables":{"v":${'['.repeat(depth - 2)}${']'.repeat(depth - 2)}}}`;

    it(`accepts ${MAX_JSON_DEPTH} levels`, async () => {
      const res = await post(nested(MAX_JSON_DEPTH));
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ data: { hello: 'Hi x，欢迎使用小白开放接口！' } });
    });

    it.each([MAX_JSON_DEPTH + 1, 100_000])('refuses %i levels with a 400 GraphQL error', async (depth) => {
      const res = await post(nested(depth));
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({
        errors: [{ message: `客户端非法请求：JSON数据嵌套不能超过${MAX_JSON_DEPTH}层`, extensions: { code: 'BAD_REQUEST', ret: 400 } }],
      });
    });
  });

  describe('nesting of the JSON of a GraphQL request in the other forms yoga reads', () => {
    const query = '{ hello(name: "x") }';
    const refusal = { errors: [{ message: `客户端非法请求：JSON数据嵌套不能超过${MAX_JSON_DEPTH}层`, extensions: { code: 'BAD_REQUEST', ret: 400 } }] };
    const variables = (depth: number) => `{"v":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}`;
    const signed = (payload: string, type?: string): Record<string, string> => ({
      'x-app-key': t.app.appKey,
      'x-sign': payloadSign(payload, t.app.appSecret),
      ...(type ? { 'content-type': type } : {}),
    });
    const forms: Array<[string, (depth: number) => Request]> = [
      [
        'GET variables',
        (depth) => {
          const qs = new URLSearchParams({ query, variables: variables(depth) }).toString();
          return new Request(`${BASE}/graphql?${qs}`, { headers: signed(qs) });
        },
      ],
      [
        'GET extensions',
        (depth) => {
          const qs = new URLSearchParams({ query, extensions: variables(depth) }).toString();
          return new Request(`${BASE}/graphql?${qs}`, { headers: signed(qs) });
        },
      ],
      [
        'JSON POST with variables in its query string',
        (depth) => {
          const body = JSON.stringify({ query });
          return new Request(`${BASE}/graphql?${new URLSearchParams({ variables: variables(depth) })}`, { method: 'POST', body, headers: signed(body, 'application/json') });
        },
      ],
      [
        'urlencoded POST',
        (depth) => {
          const body = new URLSearchParams({ query, variables: variables(depth) }).toString();
          return new Request(`${BASE}/graphql`, { method: 'POST', body, headers: signed(body, 'application/x-www-form-urlencoded') });
        },
      ],
      [
        'multipart POST',
        (depth) => {
          const b = '----yesgraph7MA4YWxkTrZu0gW';
          const body = `--${b}\r\nContent-Disposition: form-data; name="operations"\r\n\r\n{"query":${JSON.stringify(query)},"variables":${variables(depth - 1)}}\r\n--${b}\r\nContent-Disposition: form-data; name="map"\r\n\r\n{}\r\n--${b}--\r\n`;
          return new Request(`${BASE}/graphql`, { method: 'POST', body, headers: signed(body, `multipart/form-data; boundary=${b}`) });
        },
      ],
    ];

    it.each(forms)(`%s: ${MAX_JSON_DEPTH} levels pass, one more is a 400`, async (_name, make) => {
      const ok = await t.fetch(make(MAX_JSON_DEPTH));
      expect(await ok.json()).toEqual({ data: { hello: 'Hi x，欢迎使用小白开放接口！' } });
      const refused = await t.fetch(make(MAX_JSON_DEPTH + 1));
      expect(refused.status).toBe(400);
      expect(await refused.json()).toEqual(refusal);
    });
  });

  describe('the last-resort answer to a fault', () => {
    const weird: Array<[string, () => unknown]> = [
      ['an Error', () => new Error('boom at /srv/secret/install/path')],
      ['a string', () => 'a string at /srv/secret'],
      ['undefined', () => undefined],
      [
        'an object with a throwing getter',
        () => ({
          get message(): string {
            throw new Error('getter');
          },
          toString(): string {
            throw new Error('toString');
          },
        }),
      ],
    ];

    function faulty(thrown: unknown, how: 'throw' | 'reject', production = false): { server: YesgraphServer; lines: string[] } {
      const lines: string[] = [];
      const log = pino({ level: 'error' }, new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }));
      const onRequest: ServerOptions['onRequest'] = (request) => {
        if (new URL(request.url).searchParams.get('ok') === '1') return;
        if (how === 'reject') return Promise.reject(thrown);
        throw thrown;
      };
      const server = createServer({ ...t.rt, log, config: { ...t.rt.config, production } }, { onRequest });
      return { server, lines };
    }

    function expectLogged(lines: string[], errorId: string): void {
      const entry = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.errorId === errorId);
      expect(entry).toMatchObject({ level: 50, errorId });
      expect(entry).toHaveProperty('err');
    }

    function expectLegacyFault(text: string, lines: string[]): void {
      const body = JSON.parse(text) as Envelope;
      expect(Object.keys(body)).toEqual(['ret', 'data', 'msg', '_t', '_auth']);
      expect(body).toMatchObject({ ret: 500, data: {}, _auth: '' });
      const errorId = body.msg.replace('服务端异常，错误编号：', '');
      expect(errorId).toMatch(ERROR_ID);
      expectLogged(lines, errorId);
    }

    function expectGraphQLFault(text: string, lines: string[]): void {
      const body = JSON.parse(text) as { errors: Array<{ message: string; extensions: { code: string; errorId: string } }> };
      expect(body).toEqual({ errors: [{ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR', errorId: expect.stringMatching(ERROR_ID) } }] });
      expectLogged(lines, body.errors[0]!.extensions.errorId);
    }

    describe.each(weird)('%s', (_name, make) => {
      it.each(['throw', 'reject'] as const)('%s: the envelope on legacy paths, a GraphQL error on /graphql, no detail (production)', async (how) => {
        const { server, lines } = faulty(make(), how, true);
        for (const path of ['/', '//', '/api/App/Hello/World', '/any']) {
          const res = await server.fetch(new Request(`${BASE}${path}?s=App.Hello.World`));
          expect(res.status).toBe(200);
          const text = await res.text();
          expect(text).not.toMatch(/secret|boom|getter|at |Error/);
          expectLegacyFault(text, lines);
        }
        const res = await server.fetch(new Request(`${BASE}/graphql`, { method: 'POST', body: '{"query":"{ __typename }"}', headers: { 'content-type': 'application/json' } }));
        expect(res.status).toBe(500);
        const text = await res.text();
        expect(text).not.toMatch(/secret|boom|getter|at /);
        expectGraphQLFault(text, lines);
      });
    });

    describe('through real HTTP', () => {
      let servers: Server[] = [];
      afterAll(async () => {
        await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
        servers = [];
      });
      async function serve(server: YesgraphServer): Promise<number> {
        const http = await listen(server, '127.0.0.1', 0);
        servers.push(http);
        return portOf(http);
      }
      const post = (path: string, body: string) =>
        `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

      it.each(weird)('a fault of the server (%s) keeps the connection, answers, and serves the next request', async (_name, make) => {
        const { server, lines } = faulty(make(), 'throw');
        const port = await serve(server);
        const answers = await exchange(
          port,
          'GET //?s=App.Hello.World HTTP/1.1\r\nHost: x\r\n\r\n' + post('/graphql', '{"query":"{ __typename }"}') + 'GET /healthz?ok=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
        );
        expect(answers.map((a) => a.statusLine)).toEqual(['HTTP/1.1 200 OK', 'HTTP/1.1 500 Internal Server Error', 'HTTP/1.1 200 OK']);
        expectLegacyFault(answers[0]!.body, lines);
        expectGraphQLFault(answers[1]!.body, lines);
        expect(JSON.parse(answers[2]!.body)).toEqual({ status: 'ok' });
      });

      it.each(weird)('a fault inside the legacy face served straight from node:http (%s) is answered with an error id', async (_name, make) => {
        const lines: string[] = [];
        const log = pino({ level: 'error' }, new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }));
        const thrown = make();
        // Reading the body limit throws: the fault escapes the face into the server's last resort.
        const config = new Proxy(t.rt.config, {
          get: (target, key) => {
            if (key === 'bodyLimit') throw thrown;
            return target[key as keyof typeof target];
          },
        });
        const server = createServer({ ...t.rt, log, config });
        expect(server.legacy).not.toBeNull();
        const port = await serve(server);
        const answers = await exchange(port, post('//?s=App.Hello.World', '{}').replace('HTTP/1.1\r\n', 'HTTP/1.1\r\nConnection: close\r\n'));
        expect(answers.map((a) => a.statusLine)).toEqual(['HTTP/1.1 200 OK']);
        expectLegacyFault(answers[0]!.body, lines);
      });

      it.each(weird)('a fault of the bridge itself (%s rejected, or no Response at all) is answered the same way', async (_name, make) => {
        const lines: string[] = [];
        const log = pino({ level: 'error' }, new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }));
        const real = createServer({ ...t.rt, log });
        const thrown = make();
        const rejecting: YesgraphServer = { yoga: real.yoga, fault: real.fault, legacy: null, graphqlPost: null, drained: real.drained, fetch: () => Promise.reject(thrown) };
        const notAResponse: YesgraphServer = { yoga: real.yoga, fault: real.fault, legacy: null, graphqlPost: null, drained: real.drained, fetch: async () => thrown as Response };
        for (const server of [rejecting, notAResponse]) {
          const port = await serve(server);
          const answers = await exchange(port, 'GET /?s=App.Hello.World HTTP/1.1\r\nHost: x\r\n\r\n' + post('/graphql', '{}').replace('HTTP/1.1\r\n', 'HTTP/1.1\r\nConnection: close\r\n'));
          expect(answers.map((a) => a.statusLine)).toEqual(['HTTP/1.1 200 OK', 'HTTP/1.1 500 Internal Server Error']);
          expectLegacyFault(answers[0]!.body, lines);
          expectGraphQLFault(answers[1]!.body, lines);
        }
      });
    });
  });
});
