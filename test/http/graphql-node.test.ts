/**
 * The GraphQL face's POST served straight from node:http (src/http/graphql-node.ts): the same
 * answers as `server.fetch`, yoga's HTTP layer for what the fast path does not take, and the
 * body limit, over a real socket.
 */
import type { Server } from 'node:http';
import { connect } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { payloadSign } from '../../src/guards/sign.js';
import { listen } from '../../src/server.js';
import { BASE, useServer } from '../support/server.js';
import { storeKinds } from '../support/stores.js';
import { exchange, parseResponses, portOf, type RawResponse } from './raw-socket.js';

const kinds = await storeKinds();

describe.each(kinds)('GraphQL POST over node:http on %s', (kind) => {
  const t = useServer(kind, { bodyLimit: 4096 });
  const servers: Server[] = [];
  afterAll(async () => {
    for (const s of servers) await new Promise((resolve) => s.close(resolve));
  });

  async function port(): Promise<number> {
    const s = await listen(t.server, '127.0.0.1', 0);
    servers.push(s);
    return portOf(s);
  }

  function post(body: string, headers: Record<string, string>): string {
    const lines = Object.entries({ host: 'x', 'content-length': String(Buffer.byteLength(body)), connection: 'close', ...headers }).map(([k, v]) => `${k}: ${v}\r\n`);
    return `POST /graphql HTTP/1.1\r\n${lines.join('')}\r\n${body}`;
  }

  const signed = (body: string) => ({ 'x-app-key': t.app.appKey, 'x-sign': payloadSign(body, t.app.appSecret) });

  it('answers a signed JSON POST exactly as server.fetch does, including refusals', async () => {
    const p = await port();
    for (const body of [JSON.stringify({ query: '{ hello(name: "node") }' }), JSON.stringify({ query: '{ messages(perpage: 101) { total } }' }), '{"query": "{ hello "}']) {
      const headers = { 'content-type': 'application/json', ...signed(body) };
      const [viaSocket] = await exchange(p, post(body, headers));
      const viaFetch = await t.fetch(new Request(`${BASE}/graphql`, { method: 'POST', body, headers }));
      expect(viaSocket!.statusLine).toBe(`HTTP/1.1 ${viaFetch.status} ${viaFetch.statusText || (viaFetch.status === 200 ? 'OK' : 'Bad Request')}`);
      expect(JSON.parse(viaSocket!.body)).toEqual(await viaFetch.json());
      expect(viaSocket!.headers['content-type']).toMatch(/^application\/(graphql-response\+)?json/);
    }
  });

  it('answers a document on its first, second and prepared runs with the bytes yoga\'s HTTP layer writes', async () => {
    const p = await port();
    const body = JSON.stringify({ query: 'query Same($n: String) { hello(name: $n) }', variables: { n: '字节' } });
    const headers = { 'content-type': 'application/json', ...signed(body) };
    const runs = [];
    // The first run goes through yoga's plugins, the second is compiled, the third on is prepared.
    for (let i = 0; i < 4; i++) runs.push((await exchange(p, post(body, headers)))[0]!);
    // An Origin header sends the request through yoga's own HTTP layer (the fast path takes none).
    const [viaYoga] = await exchange(p, post(body, { ...headers, origin: 'http://elsewhere.example' }));
    expect(viaYoga!.body).toBe('{"data":{"hello":"Hi 字节，欢迎使用小白开放接口！"}}');
    for (const run of runs) {
      expect(run.statusLine).toBe('HTTP/1.1 200 OK');
      expect(run.body).toBe(viaYoga!.body);
      expect(run.headers['content-type']).toBe(viaYoga!.headers['content-type']);
    }
  });

  it('checks x-sign over every byte of the body, a leading byte order mark included', async () => {
    const p = await port();
    const json = JSON.stringify({ query: '{ hello(name: "bom") }' });
    const body = `\uFEFF${json}`;
    const over = (bytes: string) => ({ 'content-type': 'application/json', 'x-app-key': t.app.appKey, 'x-sign': payloadSign(bytes, t.app.appSecret) });
    const asked = (headers: Record<string, string>) => t.fetch(new Request(`${BASE}/graphql`, { method: 'POST', body, headers }));
    const [raw] = await exchange(p, post(body, over(body)));
    expect(raw!.status).toBe(200);
    expect(JSON.parse(raw!.body)).toEqual({ data: { hello: 'Hi bom，欢迎使用小白开放接口！' } });
    expect(await (await asked(over(body))).json()).toEqual({ data: { hello: 'Hi bom，欢迎使用小白开放接口！' } });
    // Signed over the body without its first three bytes: not the body that was sent.
    const [short] = await exchange(p, post(body, over(json)));
    expect(JSON.parse(short!.body)).toEqual({ errors: [{ message: '客户端非法请求：签名错误', extensions: { code: 'BAD_SIGNATURE', ret: 409 } }] });
    expect(await (await asked(over(json))).json()).toEqual(JSON.parse(short!.body));
    // An app with a replay window reads extensions.time from the JSON after the mark.
    const app = await t.newApp('dynamic');
    await t.rt.appRecords.updateSettings(app.id, { replayWindow: 60 });
    t.rt.apps.forget();
    const timed = `\uFEFF${JSON.stringify({ query: '{ hello(name: "bom") }', extensions: { time: Math.floor(Date.now() / 1000) } })}`;
    const [once] = await exchange(p, post(timed, { 'content-type': 'application/json', 'x-app-key': app.appKey, 'x-sign': payloadSign(timed, app.appSecret) }));
    expect(JSON.parse(once!.body)).toEqual({ data: { hello: 'Hi bom，欢迎使用小白开放接口！' } });
  });

  it('hands what the fast path does not take (another media type asked for) to yoga with the same body', async () => {
    const body = JSON.stringify({ query: '{ hello(name: "yoga") }' });
    const [answer] = await exchange(await port(), post(body, { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...signed(body) }));
    expect(answer!.status).toBe(200);
    expect(answer!.headers['content-type']).toMatch(/^application\/graphql-response\+json/);
    expect(JSON.parse(answer!.body)).toEqual({ data: { hello: 'Hi yoga，欢迎使用小白开放接口！' } });
  });

  /** Writes each piece after the one before has been sent and `pauseMs` has passed; reads until the server closes. */
  function inPieces(p: number, pieces: readonly string[], pauseMs = 50): Promise<RawResponse[]> {
    return new Promise((resolve, reject) => {
      let all = Buffer.alloc(0);
      const socket = connect(p, '127.0.0.1', async () => {
        for (const piece of pieces) {
          socket.write(piece);
          await new Promise((r) => setTimeout(r, pauseMs));
        }
      });
      socket.on('data', (d: Buffer) => (all = Buffer.concat([all, d])));
      socket.on('error', reject);
      socket.on('close', () => resolve(parseResponses(all, true).responses));
    });
  }

  it('reads a body sent with its head and one sent after it alike, and keeps the connection open after each', async () => {
    const one = JSON.stringify({ query: '{ hello(name: "together") }' });
    const two = JSON.stringify({ query: '{ hello(name: "apart") }' });
    const three = JSON.stringify({ query: '{ hello(name: "last") }' });
    const keep = (body: string) => post(body, { 'content-type': 'application/json', connection: 'keep-alive', ...signed(body) });
    const request = (body: string) => post(body, { 'content-type': 'application/json', ...signed(body) });
    const twoHead = keep(two).slice(0, -two.length);
    // The first body comes in the head's write; the second a write later, in two halves; the third closes.
    const answers = await inPieces(await port(), [keep(one), twoHead, two.slice(0, 9), two.slice(9), request(three)]);
    expect(answers.map((a) => JSON.parse(a.body).data?.hello)).toEqual(['Hi together，欢迎使用小白开放接口！', 'Hi apart，欢迎使用小白开放接口！', 'Hi last，欢迎使用小白开放接口！']);
    expect(answers.map((a) => a.headers.connection)).toEqual(['keep-alive', 'keep-alive', 'close']);
  });

  it('refuses a body over the limit with a GraphQL error and closes the connection', async () => {
    const body = JSON.stringify({ query: `{ hello(name: "${'x'.repeat(5000)}") }` });
    const [answer] = await exchange(await port(), post(body, { 'content-type': 'application/json', ...signed(body) }));
    expect(answer!.status).toBe(400);
    expect(answer!.headers.connection).toBe('close');
    expect(JSON.parse(answer!.body).errors[0].extensions).toMatchObject({ code: 'BAD_REQUEST', ret: 400 });
  });
});
