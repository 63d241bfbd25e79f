/**
 * Prepared operations (src/graphql/prepared.ts): from a document's third run, the server answers
 * it without yoga's pipeline. Every such answer must be the one yoga's pipeline gave: status,
 * type and body, for data, business errors, variable errors, masked faults, refusals of the
 * per-call guards and of trusted-document apps, and the operation's note (metrics) alike.
 */
import { parse } from 'graphql';
import { compileQuery, isCompiledQuery } from 'graphql-jit';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TrustedDocuments } from '../../src/graphql/hardening-trusted.js';
import { MAX_PREPARED, PreparedOperations } from '../../src/graphql/prepared.js';
import { getSchema } from '../../src/graphql/schema.js';
import { sql } from '../../src/db/sql.js';
import { payloadSign } from '../../src/guards/sign.js';
import type { App } from '../../src/records/apps.js';
import { TrustedDocumentRecords } from '../../src/records/trusted-documents.js';
import { md5 } from '../../src/crypto.js';
import { BASE, useServer } from '../support/server.js';
import { storeKinds } from '../support/stores.js';

const kinds = await storeKinds();

const THREAD = `query Thread($key: String) { messages(key: $key, perpage: 5) { total items { id content children { id } } } }`;
/** Thread under another name of the same length: its errors have the same locations. */
const THREAT = THREAD.replace('query Thread', 'query Threat');
const MISSING_PARENT = `mutation Reply($key: String) { postMessage(key: $key, content: "x", parentId: 2000000000) {
  __typename ... on MutationPostMessageSuccess { data { id } } ... on BusinessError { errCode message } } }`;
const TWO = `query A { hello(name: "a") } query B { hello(name: "b") }`;
const LOGIN = `mutation { login(username: "x", password: "${md5('x')}") { __typename } }`;

/** A run's answer with what differs between runs by design (error ids) taken out. */
async function answer(res: Response): Promise<{ status: number; type: string | null; body: unknown }> {
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type'), body: JSON.parse(text.replace(/"errorId":"[0-9a-f-]{36}"/g, '"errorId":"<id>"')) };
}

describe.each(kinds)('prepared operations on %s', (kind) => {
  const t = useServer(kind);
  afterEach(() => vi.restoreAllMocks());

  function post(
    query: string,
    variables: Record<string, unknown> = {},
    options: { app?: App; operationName?: string; sign?: string; session?: Record<string, string> } = {},
  ): Promise<Response> {
    const app = options.app ?? t.app;
    const body = JSON.stringify({ query, variables, ...(options.operationName ? { operationName: options.operationName } : {}) });
    const headers = { 'content-type': 'application/json', 'x-app-key': app.appKey, 'x-sign': options.sign ?? payloadSign(body, app.appSecret), ...options.session };
    return t.server.fetch(new Request(`${BASE}/graphql`, { method: 'POST', headers, body }));
  }

  /** Four runs of one request: their answers, and how many went through yoga's pipeline. */
  async function fourRuns(send: () => Promise<Response>) {
    const yoga = vi.spyOn(t.server.yoga, 'getResultForParams');
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await answer(await send()));
    const throughYoga = yoga.mock.calls.length;
    yoga.mockRestore();
    return { answers, throughYoga };
  }

  it('answers from the third run on without yoga, exactly as yoga answered', async () => {
    const key = `prepared-${kind}-${Date.now()}`;
    // How many runs yoga's pipeline takes: two (graphql-jit compiles a document on its second
    // run), one for an operation of a document whose other operation ran before.
    const cases: Array<[string, () => Promise<Response>, number?]> = [
      ['data', () => post('{ hello(name: "prepared") }')],
      ['variables', () => post(THREAD, { key })],
      ['a business error', () => post(MISSING_PARENT, { key })],
      ['a variable of the wrong type', () => post(THREAT, { key: 12 })],
      ['operation A of two', () => post(TWO, {}, { operationName: 'A' })],
      ['operation B of two', () => post(TWO, {}, { operationName: 'B' }), 1],
    ];
    for (const [name, send, byYoga = 2] of cases) {
      const { answers, throughYoga } = await fourRuns(send);
      expect(throughYoga, name).toBe(byYoga);
      for (const later of answers.slice(1)) expect(later, name).toEqual(answers[0]);
    }
    // The prepared Thread refuses a wrong variable as yoga refused it in its twin of the same shape.
    const wrong = await answer(await post(THREAD, { key: 12 }));
    expect(wrong).toEqual(await answer(await post(THREAT.replace('Threat', 'Threas'), { key: 12 })));
    expect(wrong.body).toMatchObject({ errors: [{ message: expect.stringContaining('$key') }] });
    const [a, b] = [await answer(await post(TWO, {}, { operationName: 'A' })), await answer(await post(TWO, {}, { operationName: 'B' }))];
    expect([a.body, b.body]).toEqual([{ data: { hello: expect.stringContaining('a') } }, { data: { hello: expect.stringContaining('b') } }]);
  });

  it('masks a fault of a prepared operation as yoga masks it, with a new error id', async () => {
    await t.rt.main.execute(sql`ALTER TABLE yg_member RENAME TO yg_member_gone`);
    try {
      const { answers, throughYoga } = await fourRuns(() => post(LOGIN));
      expect(throughYoga).toBe(2);
      expect(answers[0]!.body).toMatchObject({ errors: [{ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
      for (const later of answers.slice(1)) expect(later).toEqual(answers[0]);
    } finally {
      await t.rt.main.execute(sql`ALTER TABLE yg_member_gone RENAME TO yg_member`);
    }
  });

  it('answers a fault of the per-call guards as yoga answers it', async () => {
    const text = '{ hello(name: "guarded") }';
    for (let i = 0; i < 2; i++) await post(text);
    // The member's session cannot be read: the guard's entry fails, before the operation runs.
    const session = { 'x-uuid': 'A'.repeat(32), 'x-token': 'b'.repeat(64) };
    await t.rt.main.execute(sql`ALTER TABLE yg_member_session RENAME TO yg_member_session_gone`);
    try {
      const yoga = vi.spyOn(t.server.yoga, 'getResultForParams');
      const prepared = await answer(await post(text, {}, { session }));
      expect(yoga).not.toHaveBeenCalled();
      const byYoga = await answer(await post('{ hello(name: "unseen") }', {}, { session }));
      expect(yoga).toHaveBeenCalledOnce();
      expect(prepared).toEqual(byYoga);
      expect(prepared.body).toEqual({ errors: [{ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR', errorId: '<id>' } }] });
    } finally {
      await t.rt.main.execute(sql`ALTER TABLE yg_member_session_gone RENAME TO yg_member_session`);
    }
  });

  it('refuses a call over the rate limit as yoga refuses it, and notes every run alike', async () => {
    const app = await t.newApp();
    await t.rt.appRecords.updateSettings(app.id, { rate: { limit: 3, seconds: 3600 } });
    const runs = [];
    for (let i = 0; i < 4; i++) runs.push(await answer(await post('{ hello(name: "limited") }', {}, { app })));
    // The fourth, prepared, is over the limit; a document never seen is refused by yoga's path.
    const byYoga = await answer(await post('{ hello(name: "other") }', {}, { app }));
    expect(runs.slice(0, 3).map((r) => r.body)).toEqual(Array(3).fill({ data: { hello: expect.any(String) } }));
    expect(runs[3]).toEqual(byYoga);
    expect(byYoga.body).toMatchObject({ errors: [{ extensions: { ret: 414 } }] });
    const metrics = await t.rt.metrics.registry.getSingleMetricAsString('yesgraph_calls_total');
    expect(metrics).toContain('yesgraph_calls_total{face="graphql",service="query hello",ret="414"} 2');
  });

  it('leaves an app that runs trusted documents only, and a refused caller, to yoga', async () => {
    const text = '{ hello(name: "trusted") }';
    for (let i = 0; i < 3; i++) await post(text);
    const app = await t.newApp();
    await new TrustedDocumentRecords(t.rt.main).replace(app.id, new Map([['sha256:x', text]]));
    const trusted = await fourRuns(() => post(text, {}, { app }));
    expect(trusted.throughYoga).toBe(4);
    expect(trusted.answers[3]!.body).toMatchObject({ errors: [{ extensions: { ret: expect.any(Number) } }] });
    const unsigned = await fourRuns(() => post(text, {}, { sign: 'WRONG' }));
    expect(unsigned.throughYoga).toBe(4);
    expect(unsigned.answers[3]!.body).toMatchObject({ errors: [{ extensions: { ret: 409 } }] });
  });
});

describe('prepared operations, bounded', () => {
  it('keeps at most MAX_PREPARED documents, dropping the one learned first', async () => {
    const schema = getSchema();
    const trusted = { of: async () => null, known: () => undefined } as unknown as TrustedDocuments;
    const prepared = new PreparedOperations(trusted, (e) => e as Error);
    // The first two under operation names, so that dropping the first empties its name's list.
    const texts = Array.from({ length: MAX_PREPARED + 1 }, (_, i) => (i < 2 ? `query N${i} { hello(name: "n${i}") }` : `{ hello(name: "n${i}") }`));
    texts.forEach((text, i) => {
      const document = parse(text);
      const query = compileQuery(schema, document);
      if (!isCompiledQuery(query)) throw new Error('not compiled');
      prepared.learn(text, i < 2 ? `N${i}` : undefined, schema, document, query);
    });
    const entered: unknown[] = [];
    const context = (): Parameters<PreparedOperations['run']>[1] => ({
      guard: { pending: { app: {} as App, ip: null, enter: async (calls) => (entered.push(calls), { app: {}, member: null }) as never } },
    });
    expect(await prepared.run({ query: texts[0]!, operationName: 'N0' }, context())).toBeNull();
    // Kept under its text and its operation name: either one alone is another request.
    expect(await prepared.run({ query: texts[1]! }, context())).toBeNull();
    expect(await prepared.run({ query: texts[2]!, operationName: 'N1' }, context())).toBeNull();
    expect(await prepared.run({ query: texts[1]!, operationName: 'N1' }, context())).toEqual({ data: { hello: expect.stringContaining('n1') } });
    expect(await prepared.run({ query: texts[MAX_PREPARED]! }, context())).toEqual({ data: { hello: expect.stringContaining(`n${MAX_PREPARED}`) } });
    expect(entered).toEqual([['App.Hello.World'], ['App.Hello.World']]);
  });
});

describe('the trusted documents cache', () => {
  afterEach(() => vi.useRealTimers());

  it('answers a read already done without a promise, nothing before it answers, and nothing once it is stale', async () => {
    const lists = [null, new Map([['id', '{ hello }']])];
    let reads = 0;
    const records = { of: async () => lists[reads++ % 2] } as unknown as TrustedDocumentRecords;
    const cache = new TrustedDocuments(records);
    const app = { id: 7 } as App;
    expect(cache.known(app)).toBeUndefined();
    const read = cache.of(app);
    expect(cache.known(app)).toBeUndefined();
    expect(await read).toBeNull();
    expect(cache.known(app)).toBeNull();
    expect(await cache.of(app)).toBeNull();
    expect(reads).toBe(1);
    // Stale for another App object after FRESH_MS: `of` reads again, and `known` says so meanwhile.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 6_000);
    const again = { id: 7 } as App;
    expect(cache.known(again)).toBeUndefined();
    expect(await cache.of(again)).toEqual(lists[1]);
    expect(cache.known(again)).toEqual(lists[1]);
    expect(reads).toBe(2);
  });

  it('keeps nothing of a read that failed', async () => {
    let fail = true;
    const records = { of: async () => (fail ? Promise.reject(new Error('down')) : null) } as unknown as TrustedDocumentRecords;
    const cache = new TrustedDocuments(records);
    const app = { id: 8 } as App;
    await expect(cache.of(app)).rejects.toThrow('down');
    expect(cache.known(app)).toBeUndefined();
    fail = false;
    expect(await cache.of(app)).toBeNull();
    expect(cache.known(app)).toBeNull();
  });
});
