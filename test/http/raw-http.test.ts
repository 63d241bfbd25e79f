/**
 * yesgraph listening on 127.0.0.1 and spoken to over raw sockets, as the platform's SDKs speak:
 * raw UTF-8 and spaces in the request line (Go), multipart to `//?s=…` (PHP), pipelining,
 * and the status line's reason phrase. Smuggling attempts still meet node's own parser.
 */
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/db/open.js';
import { md5 } from '../../src/crypto.js';
import { dynamicSign, payloadSign } from '../../src/guards/sign.js';
import { listen } from '../../src/server.js';
import { BASE, signedParams, useServer, type Envelope } from '../support/server.js';
import { freshDatabase, storeKinds, type FreshDatabase } from '../support/stores.js';
import { createSeedTable, SEED_LEVEL_ONE, SEED_PARAMS } from '../tree/fixtures.js';
import { exchange, portOf } from './raw-socket.js';

const kinds = await storeKinds();

const close = (s: Server | undefined) => new Promise<void>((resolve) => (s ? s.close(() => resolve()) : resolve()));

describe.each(kinds)('raw HTTP (main store on %s)', (kind) => {
  const t = useServer(kind);
  let lenient: Server;
  let strict: Server;
  /** node's own server from the first byte (YESGRAPH_LEAN_HTTP=0). */
  let nodeOnly: Server;
  let owner: FreshDatabase;

  beforeAll(async () => {
    lenient = await listen(t.server, '127.0.0.1', 0);
    strict = await listen(t.server, '127.0.0.1', 0, { rawUrl: false });
    nodeOnly = await listen(t.server, '127.0.0.1', 0, { lean: false });
    owner = await freshDatabase(kind);
    const setup = openStore(owner.url);
    await createSeedTable(setup);
    await setup.close();
    await t.rt.databases.add(t.app.id, 'db_test', owner.url, '', { operator: true });
  });
  afterAll(async () => {
    await close(lenient);
    await close(strict);
    await close(nodeOnly);
    await owner?.drop();
  });

  /** The signed parameters in order, values raw as the Go SDK writes them (never percent-encoded). */
  function rawQuery(params: Record<string, string>, sign?: string): string {
    const all = new Map(Object.entries({ ...params, app_key: t.app.appKey }));
    all.set('sign', sign ?? dynamicSign(all, t.app.appSecret));
    return [...all].map(([k, v]) => `${k}=${v}`).join('&');
  }

  function get(target: string, last = true): string {
    return `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n${last ? 'Connection: close\r\n' : ''}\r\n`;
  }

  const envelope = (body: string) => JSON.parse(body) as Envelope;

  /** A signed Hello for `chunked`, posted as a form in one chunk (Transfer-Encoding: chunked). */
  function chunkedHello(): string {
    const form = rawQuery({ s: 'App.Hello.World', name: 'chunked' });
    return `POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n${form.length.toString(16)}\r\n${form}\r\n0\r\n\r\n`;
  }

  it('answers a raw UTF-8 value, signed over the decoded text, with the status line `HTTP/1.1 200 OK`', async () => {
    const [res] = await exchange(portOf(lenient), get(`/?${rawQuery({ s: 'App.Hello.World', name: '小白' })}`));
    expect(res!.statusLine).toBe('HTTP/1.1 200 OK');
    expect(envelope(res!.body)).toMatchObject({ ret: 200, data: { err_code: 0, err_msg: '', title: 'Hi 小白，欢迎使用小白开放接口！' } });
  });

  it('treats raw bytes exactly like their percent-encoded form: a signature over the encoded text does not verify', async () => {
    const encodedSign = dynamicSign(new Map([['s', 'App.Hello.World'], ['name', '%E5%B0%8F%E7%99%BD'], ['app_key', t.app.appKey]]), t.app.appSecret);
    const [res] = await exchange(portOf(lenient), get(`/?${rawQuery({ s: 'App.Hello.World', name: '小白' }, encodedSign)}`));
    expect(envelope(res!.body)).toMatchObject({ ret: 409, msg: '客户端非法请求：签名错误', _auth: '' });
  });

  it('answers the tree example sent with raw spaces in `where` and `order`', async () => {
    const query = rawQuery(SEED_PARAMS);
    expect(query).toContain('order=["id DESC"]');
    const [res] = await exchange(portOf(lenient), get(`/?${query}`));
    expect(envelope(res!.body)).toMatchObject({ ret: 200, data: SEED_LEVEL_ONE });
  });

  it('leaves node to refuse the same raw request when YESGRAPH_RAW_URL is off', async () => {
    const answers = await exchange(portOf(strict), get(`/?${rawQuery({ s: 'App.Hello.World', name: '小白' })}`));
    expect(answers).toEqual([{ statusLine: 'HTTP/1.1 400 Bad Request', status: 400, headers: { connection: 'close' }, body: '' }]);
  });

  it('answers two pipelined requests in one write, the second one raw', async () => {
    const first = get(`/?${rawQuery({ s: 'App.Hello.World', name: 'one' })}`, false);
    const second = get(`//?${rawQuery({ s: 'Hello.World', name: '第二 个' })}`);
    const answers = await exchange(portOf(lenient), first + second);
    expect(answers.map((a) => a.statusLine)).toEqual(['HTTP/1.1 200 OK', 'HTTP/1.1 200 OK']);
    expect(answers.map((a) => envelope(a.body).data.title)).toEqual(['Hi one，欢迎使用小白开放接口！', 'Hi 第二 个，欢迎使用小白开放接口！']);
  });

  it('never rewrites a Content-Length body, even a line of it that looks like a raw request line (multipart to `//`, as the PHP SDK posts)', async () => {
    const name = 'GET /?x=小 y HTTP/1.1';
    const params = new Map([
      ['s', 'App.Hello.World'],
      ['name', name],
      ['app_key', t.app.appKey],
    ]);
    params.set('sign', dynamicSign(params, t.app.appSecret));
    const body = Buffer.from(
      [...params].map(([k, v]) => `--XyZ\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`).join('') + '--XyZ--\r\n',
    );
    const head = `POST // HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=XyZ\r\nContent-Length: ${body.length}\r\n\r\n`;
    const after = get(`/?${rawQuery({ s: 'App.Hello.World', name: '之后' })}`);
    const answers = await exchange(portOf(lenient), Buffer.concat([Buffer.from(head), body, Buffer.from(after)]));
    expect(answers.map((a) => envelope(a.body).data.title)).toEqual([`Hi ${name}，欢迎使用小白开放接口！`, 'Hi 之后，欢迎使用小白开放接口！']);
  });

  it('answers a raw request after a chunked one: node’s own parser framed the chunked body', async () => {
    const chunked = chunkedHello();
    const answers = await exchange(portOf(lenient), [chunked, get(`/?${rawQuery({ s: 'App.Hello.World', name: '小白' })}`)]);
    expect(answers.map((a) => envelope(a.body).data.title)).toEqual(['Hi chunked，欢迎使用小白开放接口！', 'Hi 小白，欢迎使用小白开放接口！']);
  });

  it('once a connection has sent a raw request, answers a chunked one and raw ones after it (the lean front hands over to node’s own parser)', async () => {
    const chunked = chunkedHello();
    const raw = (name: string, last = true) => get(`/?${rawQuery({ s: 'App.Hello.World', name })}`, last);
    const answers = await exchange(portOf(lenient), [raw('一', false), chunked, raw('二')]);
    expect(answers.map((a) => envelope(a.body).data.title)).toEqual(['Hi 一，欢迎使用小白开放接口！', 'Hi chunked，欢迎使用小白开放接口！', 'Hi 二，欢迎使用小白开放接口！']);
  });

  it('without the lean front, once a connection has sent a raw request, passes a chunked request through untouched and stops rewriting there', async () => {
    const chunked = chunkedHello();
    const raw = (name: string, last = true) => get(`/?${rawQuery({ s: 'App.Hello.World', name })}`, last);
    // Each step goes once the one before is answered: node drops answers in flight on a parse error.
    const answers = await exchange(portOf(nodeOnly), [raw('一', false), chunked, raw('二')]);
    expect(answers.map((a) => a.statusLine)).toEqual(['HTTP/1.1 200 OK', 'HTTP/1.1 200 OK', 'HTTP/1.1 400 Bad Request']);
    expect(answers.slice(0, 2).map((a) => envelope(a.body).data.title)).toEqual(['Hi 一，欢迎使用小白开放接口！', 'Hi chunked，欢迎使用小白开放接口！']);
  });

  it('refuses smuggling attempts exactly as node does without the normalizer', async () => {
    const attempts = [
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /?a=小 HTTP/1.1\r\nHost: x\r\n\r\n',
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nContent-Length: 40\r\n\r\nabcdGET /?a=小 HTTP/1.1\r\nHost: x\r\n\r\n',
      'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n0\r\n\r\n',
      'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding:\r\n chunked\r\nContent-Length: 3\r\n\r\nabc',
      'POST / HTTP/1.1\r\nHost: x\nContent-Length: 3\r\n\r\nabcGET / HTTP/1.1\r\n\r\n',
      'GET /?a=小\rb HTTP/1.1\r\nHost: x\r\n\r\n',
    ];
    for (const attempt of attempts) {
      const withNormalizer = await exchange(portOf(lenient), attempt, 1500);
      const without = await exchange(portOf(strict), attempt, 1500);
      const nodeAlone = await exchange(portOf(nodeOnly), attempt, 1500);
      expect(withNormalizer.map((a) => a.statusLine)).toEqual(without.map((a) => a.statusLine));
      expect(nodeAlone.map((a) => a.statusLine)).toEqual(without.map((a) => a.statusLine));
      expect(withNormalizer.at(-1)?.statusLine).toBe('HTTP/1.1 400 Bad Request');
    }
  });

  it('writes a long answer (sent as bytes) whole, with its byte length, the same as server.fetch, its _auth over the data as sent', async () => {
    for (const [key, content] of [['long-ascii', 'x'.repeat(120)], ['long-cjk', '评论'.repeat(60)]] as const) {
      for (let i = 0; i < 12; i++) {
        const posted = await t.legacy({ s: 'App.Market_Message.Post', message_key: key, message_nickname: 'n', message_content: `${content}${i}` });
        expect(posted.ret).toBe(200);
      }
      const params = signedParams({ s: 'App.Market_Message.Show', message_key: key, perpage: 20 }, t.app);
      const [res] = await exchange(portOf(lenient), get(`/?${params}`));
      const viaFetch = await (await t.fetch(new Request(`${BASE}/?${params}`))).text();
      expect(Number(res!.headers['content-length'])).toBe(Buffer.byteLength(res!.body, 'utf8'));
      const body = envelope(res!.body);
      expect(body).toMatchObject({ ret: 200, msg: '当前请求接口：App.Market_Message.Show', data: { err_code: 0, total: 12 } });
      const dataText = res!.body.slice(res!.body.indexOf('"data":') + 7, res!.body.indexOf(',"msg":'));
      expect(dataText.length).toBeGreaterThan(1024);
      expect(body._auth).toBe(md5(dataText + String(body._t) + t.app.appSecret));
      // The same text but for _t and _auth, which move with the clock.
      const timeless = (text: string) => text.replace(/"_t":\d+,"_auth":"[0-9a-f]{32}"/, '');
      expect(timeless(res!.body)).toBe(timeless(viaFetch));
    }
  });

  it('carries the standard reason phrase on both faces', async () => {
    const query = '{ hello(name: "x") }';
    const body = JSON.stringify({ query });
    const post = (b: string) =>
      `POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nx-app-key: ${t.app.appKey}\r\nx-sign: ${payloadSign(b, t.app.appSecret)}\r\nContent-Length: ${Buffer.byteLength(b)}\r\n\r\n${b}`;
    const deep = `{"query":${JSON.stringify(query)},"variables":{"v":${'['.repeat(65)}${']'.repeat(65)}}}`;
    const answers = await exchange(portOf(lenient), post(body) + post(deep) + get('/healthz', false) + get('/no/such/path'));
    expect(answers.map((a) => a.statusLine)).toEqual(['HTTP/1.1 200 OK', 'HTTP/1.1 400 Bad Request', 'HTTP/1.1 200 OK', 'HTTP/1.1 200 OK']);
    expect(JSON.parse(answers[0]!.body)).toEqual({ data: { hello: 'Hi x，欢迎使用小白开放接口！' } });
    expect(envelope(answers[3]!.body)).toMatchObject({ ret: 400, msg: '客户端非法请求：缺少必要参数s' });
  });
});
