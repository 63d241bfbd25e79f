import { describe, expect, it } from 'vitest';
import { md5 } from '../../src/crypto.js';
import { sql } from '../../src/db/sql.js';
import { payloadSign } from '../../src/guards/sign.js';
import { BASE, useServer } from '../support/server.js';
import { storeKinds } from '../support/stores.js';
import { HelloDocument, LoginDocument } from './documents.js';

const kinds = await storeKinds();

describe.each(kinds)('GraphQL face on %s', (kind) => {
  const t = useServer(kind);

  it('answers a signed typed query', async () => {
    const res = await t.gql(HelloDocument, { name: 'dogstar' });
    expect(res).toEqual({ data: { hello: 'Hi dogstar，欢迎使用小白开放接口！' } });
  });

  it('answers a signed GET, the signature over the raw query string', async () => {
    const qs = `query=${encodeURIComponent('{ hello }')}`;
    const res = await t.fetch(
      new Request(`${BASE}/graphql?${qs}`, { headers: { accept: 'application/json', 'x-app-key': t.app.appKey, 'x-sign': payloadSign(qs, t.app.appSecret) } }),
    );
    expect(await res.json()).toEqual({ data: { hello: 'Hi YesApi，欢迎使用小白开放接口！' } });
  });

  it('serves introspection without an app key, so GraphiQL can load the schema', async () => {
    const res = await t.graphql<{ __schema: { queryType: { name: string } } }>('{ __schema { queryType { name } } }', undefined, { unsigned: true });
    expect(res.data?.__schema.queryType.name).toBe('Query');
  });

  it('refuses a missing key, an unknown key and a wrong signature with the legacy ret codes', async () => {
    const missing = await t.graphql('{ hello }', undefined, { unsigned: true });
    expect(missing.errors?.[0]).toMatchObject({ message: '客户端非法请求：缺少必要参数app_key', extensions: { code: 'BAD_REQUEST', ret: 400 } });
    expect(missing.data ?? null).toBeNull();

    const body = JSON.stringify({ query: '{ hello }' });
    const wrong = await t.fetch(
      new Request(`${BASE}/graphql`, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-app-key': t.app.appKey, 'x-sign': md5('nope') } }),
    );
    expect((await wrong.json()).errors[0].extensions).toMatchObject({ code: 'BAD_SIGNATURE', ret: 409 });

    const unknown = await t.fetch(
      new Request(`${BASE}/graphql`, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-app-key': 'F'.repeat(32) } }),
    );
    expect((await unknown.json()).errors[0].extensions).toMatchObject({ code: 'UNKNOWN_APP_KEY', ret: 406 });
  });

  it('refuses a tampered body: the signature covers it', async () => {
    const signed = JSON.stringify({ query: '{ hello }' });
    const res = await t.fetch(
      new Request(`${BASE}/graphql`, {
        method: 'POST',
        body: JSON.stringify({ query: '{ hello(name: "evil") }' }),
        headers: { 'content-type': 'application/json', 'x-app-key': t.app.appKey, 'x-sign': payloadSign(signed, t.app.appSecret) },
      }),
    );
    expect((await res.json()).errors[0].extensions.ret).toBe(409);
  });

  it('validates arguments with the same limits as the legacy face', async () => {
    const res = await t.gql(HelloDocument, { name: 'x'.repeat(51) });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_REQUEST', ret: 400 });
    expect(res.errors?.[0]?.message).toBe('客户端非法请求：name.len应该小于等于50, 但现在name.len = 51');
  });

  it('answers business failures as typed results', async () => {
    const res = await t.gql(LoginDocument, { username: 'nobody', password: md5('x') });
    expect(res.data?.login).toEqual({ __typename: 'BusinessError', errCode: 1, message: '用户名或密码错误' });
  });

  it('members: register, login and act as the member', async () => {
    const password = md5('pw');
    const reg = await t.graphql<{ register: { data: { uuid: string } } }>(
      'mutation($u: String!, $p: String!) { register(username: $u, password: $p) { ... on MutationRegisterSuccess { data { uuid } } } }',
      { u: 'gq', p: password },
    );
    const login = await t.gql(LoginDocument, { username: 'gq', password });
    const session = login.data?.login.__typename === 'MutationLoginSuccess' ? login.data.login.data : null;
    expect(session?.uuid).toBe(reg.data?.register.data.uuid);
    const me = await t.graphql<{ me: { uuid: string } | null }>('{ me { uuid } }', undefined, { session: session! });
    expect(me.data?.me?.uuid).toBe(session?.uuid);
    const guest = await t.graphql<{ me: null }>('{ me { uuid } }');
    expect(guest.data?.me).toBeNull();
  });

  it('refuses a selection deeper than GRAPHQL_MAX_DEPTH before running anything', async () => {
    const nest = (levels: number) => 'id ' + 'children { id '.repeat(levels) + '}'.repeat(levels);
    const query = (levels: number) =>
      `{ freeTree(db: "nope", table: "t") { ... on QueryFreeTreeSuccess { data { ${nest(levels)} } } ... on BusinessError { errCode } } }`;
    const shallow = await t.graphql<{ freeTree: { errCode: number } }>(query(2));
    expect(shallow.data?.freeTree.errCode).toBe(1); // ran: the db_mark does not exist
    const deep = await t.graphql(query(t.rt.config.graphqlMaxDepth));
    expect(deep.data ?? null).toBeNull();
    expect(deep.errors?.[0]?.message).toMatch(/depth/i);
  });

  it('masks unexpected errors: an id, no detail', async () => {
    await t.rt.main.execute(sql`ALTER TABLE yg_member RENAME TO yg_member_gone`);
    try {
      const res = await t.gql(LoginDocument, { username: 'x', password: md5('x') });
      expect(res.errors?.[0]?.message).toBe('Unexpected error.');
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', errorId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
      expect(JSON.stringify(res)).not.toMatch(/yg_member|SELECT/);
    } finally {
      await t.rt.main.execute(sql`ALTER TABLE yg_member_gone RENAME TO yg_member`);
    }
  });

  it('refuses a body over the size limit and malformed JSON without a 500', async () => {
    const big = await t.fetch(
      new Request(`${BASE}/graphql`, { method: 'POST', body: JSON.stringify({ query: `{ hello(name: "${'x'.repeat(70_000)}") }` }), headers: { 'content-type': 'application/json' } }),
    );
    expect(big.status).toBe(400);
    expect((await big.json()).errors[0].extensions.ret).toBe(400);
    const body = '{"query": ';
    const bad = await t.fetch(
      new Request(`${BASE}/graphql`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', 'x-app-key': t.app.appKey, 'x-sign': payloadSign(body, t.app.appSecret) },
      }),
    );
    expect(bad.status).toBe(400);
  });
});
