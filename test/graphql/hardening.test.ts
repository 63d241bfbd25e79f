/**
 * GraphQL hardening beyond depth and aliases, through server.fetch (the fast path and yoga's own
 * HTTP handling): the cost limit, the cap on batched operations, trusted documents per app, and
 * introspection and GraphiQL off in production.
 */
import { readFileSync } from 'node:fs';
import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { payloadSign } from '../../src/guards/sign.js';
import type { App } from '../../src/records/apps.js';
import { TrustedDocumentRecords } from '../../src/records/trusted-documents.js';
import { readReadme } from '../readme/walk.js';
import { BASE, useServer, type GraphQLResult } from '../support/server.js';
import { countStatements, storeKinds } from '../support/stores.js';

const kinds = await storeKinds();
const P = '客户端非法请求：';
const HELLO = 'Hi YesApi，欢迎使用小白开放接口！';
const NOT_TRUSTED = { message: `${P}该应用只运行已登记的GraphQL文档，请按文档编号调用`, extensions: { code: 'BAD_REQUEST', ret: 400 } };

type Post = (body: unknown, app?: App, sign?: boolean) => Promise<{ status: number; json: GraphQLResult & GraphQLResult[] }>;

/** POSTs `body` as JSON, signed for `app` unless `sign` is false. */
function poster(t: ReturnType<typeof useServer>): Post {
  return async (body, app = t.app, sign = true) => {
    const text = JSON.stringify(body);
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-app-key': app.appKey };
    if (sign) headers['x-sign'] = payloadSign(text, app.appSecret);
    const res = await t.fetch(new Request(`${BASE}/graphql`, { method: 'POST', headers, body: text }));
    return { status: res.status, json: (await res.json()) as GraphQLResult & GraphQLResult[] };
  };
}

const THREAD = '{ messages { items { id content children { id content children { id content } } } } }';

describe('the cost limit (GRAPHQL_MAX_COST)', () => {
  const t = useServer('sqlite', { graphqlMaxCost: 20 });

  it('refuses an operation over the limit before anything runs, with code and ret', async () => {
    await t.graphql('{ hello }'); // the app is cached now
    const { result, statements } = await countStatements(t.rt.main, () => t.graphql(THREAD));
    expect(result.data ?? null).toBeNull();
    expect(result.errors).toEqual([{ message: `${P}GraphQL操作的代价超过了上限20`, extensions: { code: 'BAD_REQUEST', ret: 400 } }]);
    expect(statements).toEqual([]);
  });

  it('runs an operation within it', async () => {
    expect(await t.graphql('{ hello }')).toEqual({ data: { hello: HELLO } });
  });
});

describe('the default cost limit', () => {
  const t = useServer('sqlite');

  it("lets every README example and a three-level thread run", async () => {
    expect((await t.graphql(THREAD)).errors).toBeUndefined();
    const readme = readReadme(readFileSync('README.md', 'utf8'));
    let checked = 0;
    for (const block of readme.graphql) {
      const ops = parse(block.text).definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
      for (const op of ops) {
        const res = await poster(t)({ query: block.text, operationName: op.name?.value });
        for (const e of res.json.errors ?? []) expect(e.message, `README.md line ${block.line} ${op.name?.value}`).not.toContain('代价');
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(2);
  });
});

describe('the batch cap (GRAPHQL_MAX_BATCH)', () => {
  const t = useServer('sqlite', { graphqlMaxBatch: 3 });
  const post = poster(t);
  const op = (name: string) => ({ query: `query ${name} { hello(name: "${name}") }` });

  it('runs a batch up to the cap, one answer per operation in order', async () => {
    const res = await post([op('a'), op('b'), op('c')]);
    expect(res.status).toBe(200);
    expect(res.json.map((r) => r.data)).toEqual(['a', 'b', 'c'].map((n) => ({ hello: `Hi ${n}，欢迎使用小白开放接口！` })));
  });

  it.each([
    ['one over the cap', 4],
    ['an empty batch', 0],
  ])('refuses %s as a whole, with code and ret, running none of it', async (_name, n) => {
    await post(op('warm'));
    const { result, statements } = await countStatements(t.rt.main, () => post(Array.from({ length: n }, (_, i) => op(`o${i}`))));
    expect(result.status).toBe(400);
    expect(result.json).toEqual({ errors: [{ message: `${P}一次批量GraphQL请求的操作应该在1到3个之间`, extensions: { code: 'BAD_REQUEST', ret: 400 } }] });
    expect(statements).toEqual([]);
  });
});

describe.each(kinds)('trusted documents on %s', (kind) => {
  const t = useServer(kind);
  const post = poster(t);
  let trusted: App;
  const GREET = 'query Greet($name: String) { hello(name: $name) }';

  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs a listed document by its id, either spelling, for an app that has documents', async () => {
    trusted = await t.newApp();
    await new TrustedDocumentRecords(t.rt.main).replace(trusted.id, new Map([['h1', GREET], ['sha256:abc', '{ me { uuid } }']]));
    expect((await post({ documentId: 'h1', variables: { name: kind } }, trusted)).json).toEqual({ data: { hello: `Hi ${kind}，欢迎使用小白开放接口！` } });
    expect((await post({ extensions: { persistedQuery: { version: 1, sha256Hash: 'h1' } } }, trusted)).json).toEqual({ data: { hello: HELLO } });
    expect((await post({ documentId: 'sha256:abc' }, trusted)).json).toEqual({ data: { me: null } });
  });

  it('refuses an unlisted id and any document sent as text, a listed one included', async () => {
    for (const body of [{ documentId: 'nope' }, { query: '{ hello }' }, { query: GREET, variables: { name: 'x' } }, { query: GREET, documentId: 'h1' }]) {
      const res = await post(body, trusted);
      expect(res.json, JSON.stringify(body)).toEqual({ errors: [NOT_TRUSTED] });
    }
  });

  it('checks each operation of a batch', async () => {
    const res = await post([{ documentId: 'h1', variables: { name: 'one' } }, { query: '{ hello }' }], trusted);
    expect(res.json).toEqual([{ data: { hello: 'Hi one，欢迎使用小白开放接口！' } }, { errors: [NOT_TRUSTED] }]);
  });

  it('answers a caller the guard refuses with its refusal, not the document check', async () => {
    const res = await post({ documentId: 'h1' }, trusted, false);
    expect(res.json.errors?.[0]?.extensions).toMatchObject({ ret: 409 });
  });

  it('leaves an app without documents unaffected, at no statement of its own', async () => {
    await t.graphql('{ hello }');
    const { result, statements } = await countStatements(t.rt.main, () => t.graphql('{ hello }'));
    expect(result).toEqual({ data: { hello: HELLO } });
    expect(statements.filter((s) => s.includes('yg_trusted_document'))).toEqual([]);
    // It has nothing to run under an id.
    expect((await post({ documentId: 'h1' })).json).toEqual({ errors: [NOT_TRUSTED] });
  });

  it('lifts the limit once the documents are cleared, within a minute at most', async () => {
    await new TrustedDocumentRecords(t.rt.main).clear(trusted.id);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 61_000);
    expect((await post({ query: '{ hello }' }, trusted)).json).toEqual({ data: { hello: HELLO } });
  });
});

describe('introspection and GraphiQL in production', () => {
  const env = { NODE_ENV: 'production', YESGRAPH_SECRET_KEY: 'k'.repeat(32), DATABASE_URL: 'sqlite::memory:' };
  const production = loadConfig(env);
  const t = useServer('sqlite', { production: true, graphqlIntrospection: production.graphqlIntrospection, playground: production.playground });

  it('are off unless configured', async () => {
    expect(production.graphqlIntrospection).toBe(false);
    expect(loadConfig({ ...env, YESGRAPH_GRAPHQL_INTROSPECTION: '1' }).graphqlIntrospection).toBe(true);
    const page = await t.fetch(new Request(`${BASE}/graphql`, { headers: { accept: 'text/html' } }));
    expect(page.headers.get('content-type') ?? '').not.toContain('text/html');
    expect((await page.text()).toLowerCase()).not.toContain('graphiql');
    const introspection = await t.graphql('{ __schema { queryType { name } } }');
    expect(introspection.errors?.[0]).toMatchObject({ message: expect.stringMatching(/introspection/i), extensions: { code: 'BAD_REQUEST', ret: 400 } });
  });
});
