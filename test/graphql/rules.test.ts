/**
 * The GraphQL face answers the same rules in the same words as the legacy face: the caller's
 * headers before any lookup, and argument validation (Pothos, with the operations' schemas).
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { md5 } from '../../src/crypto.js';
import { payloadSign } from '../../src/guards/sign.js';
import { POST } from '../messages/support.js';
import { BASE, useServer, type GraphQLResult } from '../support/server.js';
import { countStatements, storeKinds } from '../support/stores.js';

const kinds = await storeKinds();
const P = '客户端非法请求：';

describe.each(kinds)('GraphQL rules on %s', (kind) => {
  const t = useServer(kind);

  /** `{ hello }` with exactly these headers (signed for the suite's app when `sign` is set). */
  async function hello(headers: Record<string, string>, sign = false): Promise<{ res: GraphQLResult; statements: string[] }> {
    const body = JSON.stringify({ query: '{ hello }' });
    const all: Record<string, string> = { 'content-type': 'application/json', ...headers };
    if (sign) all['x-sign'] = payloadSign(body, t.app.appSecret);
    const { result, statements } = await countStatements(t.rt.main, async () =>
      (await (await t.fetch(new Request(`${BASE}/graphql`, { method: 'POST', headers: all, body }))).json()) as GraphQLResult,
    );
    return { res: result, statements };
  }

  function expectRefused(res: GraphQLResult, ret: number, message: string): void {
    expect(res.data ?? null).toBeNull();
    expect(res.errors?.[0]).toMatchObject({ message, extensions: { ret } });
  }

  describe('headers, before any lookup', () => {
    const uuid = 'A'.repeat(32);
    const token = 'b'.repeat(64);
    const cases: Array<[string, () => Record<string, string>, string]> = [
      ['x-app-key of 33', () => ({ 'x-app-key': 'A'.repeat(33) }), `${P}app_key.len应该小于等于32, 但现在app_key.len = 33`],
      ['an empty x-app-key', () => ({ 'x-app-key': '' }), `${P}app_key.len应该大于或等于32, 但现在app_key.len = 0`],
      ['x-uuid of 31', () => ({ 'x-app-key': t.app.appKey, 'x-uuid': 'A'.repeat(31), 'x-token': token }), `${P}uuid.len应该大于或等于32, 但现在uuid.len = 31`],
      ['x-token of 65', () => ({ 'x-app-key': t.app.appKey, 'x-uuid': uuid, 'x-token': 'b'.repeat(65) }), `${P}token.len应该小于等于64, 但现在token.len = 65`],
      ['x-uuid without x-token', () => ({ 'x-app-key': t.app.appKey, 'x-uuid': uuid }), `${P}缺少必要参数token`],
      ['a format error with an unknown app key', () => ({ 'x-app-key': randomBytes(16).toString('hex'), 'x-token': token }), `${P}缺少必要参数uuid`],
    ];
    it.each(cases)('%s', async (_name, headers, message) => {
      await hello({ 'x-app-key': t.app.appKey }, true); // the app is cached now
      const { res, statements } = await hello(headers(), true);
      expectRefused(res, 400, message);
      expect(statements).toEqual([]);
    });
  });

  it('a uuid naming no member is a 400, a dead token of a member a 401', async () => {
    const unknown = await hello({ 'x-app-key': t.app.appKey, 'x-uuid': randomBytes(16).toString('hex'), 'x-token': 'b'.repeat(64) }, true);
    expectRefused(unknown.res, 400, `${P}非法请求，参数错误`);
    const password = md5('pw');
    await t.legacy({ s: 'App.User.Register', username: `g_${kind}`, password });
    const login = await t.legacy({ s: 'App.User.Login', username: `g_${kind}`, password });
    const dead = await hello({ 'x-app-key': t.app.appKey, 'x-uuid': login.data.uuid as string, 'x-token': 'c'.repeat(64) }, true);
    expectRefused(dead.res, 401, `${P}用户未登录，或登录凭证已过期`);
  });

  describe('argument validation, in the legacy face’s words', () => {
    const cases: Array<[string, string, Record<string, unknown>, string]> = [
      ['register: password of 31', 'mutation($u: String!, $p: String!) { register(username: $u, password: $p) { __typename } }', { u: 'x', p: 'a'.repeat(31) }, `${P}password.len应该大于或等于32, 但现在password.len = 31`],
      ['login: empty username', 'mutation($u: String!, $p: String!) { login(username: $u, password: $p) { __typename } }', { u: '', p: 'a'.repeat(32) }, `${P}username.len应该大于或等于1, 但现在username.len = 0`],
      [
        'addDatabase: port out of range',
        'mutation($p: Int) { addDatabase(dbMark: "m", engine: MYSQL, host: "h", user: "u", name: "d", port: $p) { __typename } }',
        { p: 70000 },
        `${P}port应该小于等于65535, 但现在port = 70000`,
      ],
      ['freeTree: empty db', '{ freeTree(db: "", table: "t") { __typename } }', {}, `${P}db.len应该大于或等于1, 但现在db.len = 0`],
      ['hello: name in characters', 'query($n: String) { hello(name: $n) }', { n: '名'.repeat(51) }, `${P}name.len应该小于等于50, 但现在name.len = 51`],
    ];
    it.each(cases)('%s', async (_name, query, variables, message) => {
      const res = await t.graphql(query, variables);
      expect(res.errors?.[0]).toMatchObject({ message, extensions: { code: 'BAD_REQUEST', ret: 400 } });
    });

    it('a null argument takes the declared default, as an unsent legacy parameter does', async () => {
      expect((await t.graphql('{ hello(name: null) }')).data).toEqual({ hello: 'Hi YesApi，欢迎使用小白开放接口！' });
    });
  });

  it('a password of any 32 characters registers on GraphQL and logs in on the legacy face', async () => {
    const password = 'P'.repeat(32);
    const reg = await t.graphql<{ register: { __typename: string } }>('mutation($u: String!, $p: String!) { register(username: $u, password: $p) { __typename } }', {
      u: `any32_${kind}`,
      p: password,
    });
    expect(reg.data?.register.__typename).toBe('MutationRegisterSuccess');
    expect((await t.legacy({ s: 'App.User.Login', username: `any32_${kind}`, password })).data.err_code).toBe(0);
  });

  it('postMessage answers what it wrote without reading it back', async () => {
    await t.graphql(POST, { content: 'warm-up', key: 'no-readback' });
    const { result, statements } = await countStatements(t.rt.main, () =>
      t.graphql<{ postMessage: { data: { id: number; content: string; postTime: string; ext: unknown; added: unknown } } }>(
        `mutation { postMessage(content: "written", key: "no-readback") {
          ... on MutationPostMessageSuccess { data { id content postTime added: extra(column: "add_time") } } } }`,
      ),
    );
    expect(statements.map((s) => s.trim().split(/\s/)[0]!.toUpperCase())).toEqual(['INSERT']);
    const data = result.data!.postMessage.data;
    expect(data.content).toBe('written');
    expect(data.added).toBe(data.postTime);

    // A column it did not write is read when asked for.
    const ext = await t.graphql<{ postMessage: { data: { ext: unknown } } }>(
      `mutation { postMessage(content: "x", key: "no-readback") { ... on MutationPostMessageSuccess { data { ext: extra(column: "ext_data") } } } }`,
    );
    expect(ext.data?.postMessage.data.ext).toBeNull();
  });
});
