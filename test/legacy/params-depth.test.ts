/**
 * Nesting of a JSON body on the legacy face: bounded before parsing (a 100,000-deep body was a
 * 500 with a stack trace), brackets inside strings do not count, and JSON-valued parameters
 * nested as deep are refused with a 400 by their own rules.
 */
import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH } from '../../src/json.js';
import { dynamicSign } from '../../src/guards/sign.js';
import { BASE, signedParams, useServer, type Envelope } from '../support/server.js';
import { storeKinds } from '../support/stores.js';

const kinds = await storeKinds();
const TOO_DEEP = `客户端非法请求：JSON数据嵌套不能超过${MAX_JSON_DEPTH}层`;

/** An array nested `depth` levels: `[[…]]`. */
const arrays = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

describe.each(kinds)('JSON nesting on the legacy face (main store on %s)', (kind) => {
  // Room for a 100,000-deep body.
  const t = useServer(kind, { bodyLimit: 1 << 20 });

  /** A signed JSON body whose parameter `x` carries `xJson` (JSON text) as a nested value. */
  async function postJson(xJson: string): Promise<Envelope> {
    const params = new Map([
      ['s', 'App.Hello.World'],
      ['app_key', t.app.appKey],
      ['x', xJson],
    ]);
    const sign = dynamicSign(params, t.app.appSecret);
    const body = `{"s":"App.Hello.World","app_key":"${t.app.appKey}","x":${xJson},"sign":"${sign}"}`;
    const res = await t.fetch(new Request(`${BASE}/`, { method: 'POST', body, headers: { 'content-type': 'application/json' } }));
    expect(res.status).toBe(200);
    return (await res.json()) as Envelope;
  }

  it(`accepts ${MAX_JSON_DEPTH} levels (the body object is one of them)`, async () => {
    expect(await postJson(arrays(MAX_JSON_DEPTH - 1))).toMatchObject({ ret: 200, data: { err_code: 0 } });
  });

  it.each([
    ['one level more', arrays(MAX_JSON_DEPTH)],
    ['100,000 arrays', arrays(100_000)],
    ['100,000 objects', '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000)],
    ['100,000 unclosed arrays', '['.repeat(100_000)],
  ])('refuses %s with a 400 envelope', async (_name, x) => {
    expect(await postJson(x)).toEqual({ ret: 400, data: {}, msg: TOO_DEEP, _t: expect.any(Number), _auth: '' });
  });

  it('does not count brackets inside strings, escaped quotes included', async () => {
    const x = JSON.stringify({ text: `${'['.repeat(1000)}\\"{{{{"${'{'.repeat(1000)}` });
    expect(await postJson(x)).toMatchObject({ ret: 200, data: { err_code: 0 } });
  });

  it('a 100,000-deep `where` value is a 400 from the condition rules, not a 500', async () => {
    for (const where of [arrays(100_000), `[["id", "=", ${arrays(100_000)}]]`, `[["id", "IN", ${arrays(100_000)}]]`]) {
      const params = signedParams({ s: 'App.DB_MsSQL_Data.FreeTree', model_name: 'TestTable', db_mark: 'db_none', where }, t.app);
      const res = await t.fetch(new Request(`${BASE}/`, { method: 'POST', body: params, headers: { 'content-type': 'application/x-www-form-urlencoded' } }));
      const body = (await res.json()) as Envelope;
      expect(body.ret).toBe(400);
      expect(body.msg).toMatch(/^客户端非法请求：参数where/);
    }
  });
});

describe.each(kinds)('JSON-valued parameters nested 25,000 deep (%s)', (kind) => {
  const t = useServer(kind);

  it.each(['where', 'order', 'more_data'])('refuses a deep %s with a 400 naming it', async (name) => {
    // 25,000 levels fit the test body limit and overflowed order's parser before the bound.
    const deep = '['.repeat(25_000) + ']'.repeat(25_000);
    const call: Record<string, string> = name === 'more_data' ? { s: 'App.Market_Message.Post', message_content: 'x' } : { s: 'App.DB_MsSQL_Data.FreeTree', db_mark: 'none', model_name: 'T' };
    // A JSON body carries it unescaped (the value is a string, so the body itself is shallow).
    const body = JSON.stringify(Object.fromEntries(signedParams({ ...call, [name]: deep }, t.app)));
    const res = await t.fetch(new Request(`${BASE}/`, { method: 'POST', body, headers: { 'content-type': 'application/json' } }));
    const env = (await res.json()) as Envelope;
    expect(env).toMatchObject({ ret: 400, data: {}, msg: `客户端非法请求：参数${name}的JSON数据嵌套不能超过${MAX_JSON_DEPTH}层` });
  });
});
