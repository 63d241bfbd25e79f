/**
 * The lean HTTP front (src/http/lean-front.ts) over real sockets: its answers are byte for byte
 * node's own server's for the same requests (but for the clock), on both faces, pipelined and
 * split; it hands a connection to node at the first request outside its subset; it keeps node's
 * timeouts and closes idle connections when the server closes.
 */
import type { Server } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { payloadSign } from '../../src/guards/sign.js';
import { listen } from '../../src/server.js';
import { signedParams, useServer } from '../support/server.js';
import { storeKinds } from '../support/stores.js';
import { portOf } from './raw-socket.js';

const kinds = await storeKinds();
const BODY_LIMIT = 2048;

/** The status lines of the answers in a transcript. */
const statusLines = (text: string) => text.match(/HTTP\/1\.1 \d{3} [^\r]*/g) ?? [];

interface Transcript {
  /** Everything the server wrote, with the clock taken out (`Date`, `_t`, `_auth`). */
  readonly text: string;
  /** The server closed the connection (rather than the wait running out). */
  readonly closed: boolean;
  readonly ms: number;
}

/** Writes `pieces` in turn (each after the one before has gone), then reads until the server closes or `waitMs` passes. */
function transcript(port: number, pieces: Array<string | Buffer>, waitMs = 3000): Promise<Transcript> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const chunks: Buffer[] = [];
    let closed = false;
    const socket = connect(port, '127.0.0.1', async () => {
      for (const piece of pieces) {
        socket.write(piece);
        await new Promise((r) => setImmediate(r));
      }
    });
    const timer = setTimeout(() => socket.destroy(), waitMs);
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('end', () => (closed = true));
    socket.on('error', reject);
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks)
        .toString('utf8')
        .replace(/Date: [^\r]+/g, 'Date: -')
        .replace(/"_t":\d+,"_auth":"[0-9a-f]*"/g, '"_t":-,"_auth":-');
      resolve({ text, closed, ms: Date.now() - started });
    });
  });
}

describe.each(kinds)('lean HTTP front (main store on %s)', (kind) => {
  const t = useServer(kind, { bodyLimit: BODY_LIMIT });
  let lean: Server;
  let nodeOnly: Server;

  beforeAll(async () => {
    lean = await listen(t.server, '127.0.0.1', 0);
    nodeOnly = await listen(t.server, '127.0.0.1', 0, { lean: false });
  });
  afterAll(async () => {
    for (const s of [lean, nodeOnly]) await new Promise((resolve) => s?.close(resolve));
  });

  const hello = (name: string, close = false) =>
    `GET /?${signedParams({ s: 'App.Hello.World', name }, t.app)} HTTP/1.1\r\nHost: 127.0.0.1\r\n${close ? 'Connection: close\r\n' : ''}\r\n`;
  const form = (name: string) => {
    const body = String(signedParams({ s: 'App.Hello.World', name }, t.app));
    return `POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
  };
  const graphql = (body: string, extra = '') =>
    `POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nx-app-key: ${t.app.appKey}\r\nx-sign: ${payloadSign(body, t.app.appSecret)}\r\n${extra}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  const helloQuery = (name: string) => JSON.stringify({ query: `{ hello(name: "${name}") }` });
  const last = 'GET /no/such/path HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n';

  /** The same bytes to both servers: the same transcript. */
  async function same(pieces: Array<string | Buffer>): Promise<Transcript> {
    const [viaLean, viaNode] = await Promise.all([transcript(portOf(lean), pieces), transcript(portOf(nodeOnly), pieces)]);
    expect(viaLean.text).toBe(viaNode.text);
    expect(viaLean.closed).toBe(viaNode.closed);
    return viaLean;
  }

  it('answers both faces byte for byte as node’s server does, pipelined in one write', async () => {
    const { text, closed } = await same([hello('一') + form('表单') + graphql(helloQuery('图')) + hello('unsigned').replace(/&sign=[^ ]+/, '') + last]);
    expect(closed).toBe(true);
    expect(statusLines(text)).toEqual(Array(5).fill('HTTP/1.1 200 OK'));
    expect(text).toContain('"title":"Hi 一，欢迎使用小白开放接口！"');
    expect(text).toContain('"title":"Hi 表单，欢迎使用小白开放接口！"');
    expect(text).toContain('{"data":{"hello":"Hi 图，欢迎使用小白开放接口！"}}');
    expect(text).toContain('Connection: keep-alive\r\nKeep-Alive: timeout=5\r\n');
    expect(text).toMatch(/Connection: close\r\n\r\n\{"ret":400/);
  });

  it('answers the same when every byte comes in a read of its own', async () => {
    const bytes = Buffer.from(hello('慢') + graphql(helloQuery('慢')) + last);
    const pieces = [...bytes].map((b) => Buffer.from([b]));
    const { text } = await same(pieces);
    expect(statusLines(text)).toEqual(Array(3).fill('HTTP/1.1 200 OK'));
    expect(text).toContain('{"data":{"hello":"Hi 慢，欢迎使用小白开放接口！"}}');
  });

  it('writes yoga’s own answer to a body the fast path does not take (malformed JSON), as node’s server does', async () => {
    const { text } = await same([graphql('{"query": ', 'Connection: close\r\n')]);
    expect(text).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
  });

  it('refuses a body over the limit and closes the connection, as node’s server does', async () => {
    const big = JSON.stringify({ query: '{ hello }', variables: { pad: 'x'.repeat(BODY_LIMIT) } });
    const { text, closed } = await same([graphql(big) + hello('never')]);
    expect(closed).toBe(true);
    expect(statusLines(text)).toEqual(['HTTP/1.1 400 Bad Request']);
    expect(text).toContain('connection: close\r\n');
  });

  it('hands the connection to node at the first request outside its subset, and node answers it and every later one in order', async () => {
    const chunked = (name: string) => {
      const body = String(signedParams({ s: 'App.Hello.World', name }, t.app));
      return `POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`;
    };
    const head = 'HEAD /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n';
    const { text } = await same([hello('前') + chunked('分块') + head + hello('后') + graphql(helloQuery('后')) + last]);
    expect(statusLines(text)).toEqual(Array(6).fill('HTTP/1.1 200 OK'));
    for (const name of ['前', '分块', '后']) expect(text).toContain(`"title":"Hi ${name}，欢迎使用小白开放接口！"`);
  });

  it('leaves malformed requests to node’s parser: the same refusals, after answering the requests before them', async () => {
    for (const bad of [
      'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab',
      'POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX: a\x01b\r\n\r\n',
      'GET / HTTP/1.1\r\nHost 127.0.0.1\r\n\r\n',
      `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX: ${'a'.repeat(20_000)}\r\n\r\n`,
    ]) {
      const { text } = await same([bad]);
      expect(statusLines(text)).toEqual([expect.stringMatching(/^HTTP\/1\.1 4\d\d /)]);
      // Pipelined after a request the front answers: that answer first (node alone drops it with the connection).
      const after = await transcript(portOf(lean), [hello('先') + bad]);
      expect(statusLines(after.text)).toEqual(['HTTP/1.1 200 OK', statusLines(text)[0]]);
    }
  });

  it('answers a thousand pipelined requests in order to a client that reads only after it has sent them all', async () => {
    const n = 1000;
    const requests = Array.from({ length: n }, (_, i) => hello(`p${i}`, i === n - 1)).join('');
    expect(requests.length).toBeGreaterThan(100_000);
    const text = await new Promise<string>((resolve, reject) => {
      const chunks: Buffer[] = [];
      const socket = connect(portOf(lean), '127.0.0.1', () => {
        socket.pause();
        socket.write(requests, () => setTimeout(() => socket.resume(), 300));
      });
      socket.on('data', (d: Buffer) => chunks.push(d));
      socket.on('error', reject);
      socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    });
    const titles = [...text.matchAll(/"title":"Hi (p\d+)，/g)].map((m) => m[1]);
    expect(titles).toEqual(Array.from({ length: n }, (_, i) => `p${i}`));
  });

  it('closes a connection idle past the keep-alive timeout, and answers 408 to a request not all there within the headers timeout', async () => {
    const server = await listen(t.server, '127.0.0.1', 0);
    server.keepAliveTimeout = 300;
    server.headersTimeout = 400;
    try {
      const idle = await transcript(portOf(server), [hello('闲')]);
      expect(idle.closed).toBe(true);
      expect(idle.text).toContain('Keep-Alive: timeout=0');
      expect(idle.ms).toBeGreaterThanOrEqual(250);
      expect(idle.ms).toBeLessThan(2500);
      const slow = await transcript(portOf(server), [hello('慢').slice(0, 30)]);
      expect(slow.closed).toBe(true);
      expect(slow.text).toBe('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n');
      expect(slow.ms).toBeGreaterThanOrEqual(350);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('writes node’s own connection headers when the server keeps no keep-alive timeout', async () => {
    const [a, b] = [await listen(t.server, '127.0.0.1', 0), await listen(t.server, '127.0.0.1', 0, { lean: false })];
    a.keepAliveTimeout = b.keepAliveTimeout = 0;
    try {
      const [viaLean, viaNode] = await Promise.all([a, b].map((s) => transcript(portOf(s), [hello('零') + last])));
      expect(viaLean!.text).toBe(viaNode!.text);
      expect(viaLean!.text).toContain('Connection: keep-alive\r\n\r\n');
    } finally {
      for (const s of [a, b]) await new Promise((resolve) => s.close(resolve));
    }
  });

  it('closes its idle connections when the server closes', async () => {
    const server = await listen(t.server, '127.0.0.1', 0);
    const socket = connect(portOf(server), '127.0.0.1');
    const answered = new Promise((resolve) => socket.once('data', resolve));
    socket.write(hello('关'));
    await answered;
    const started = Date.now();
    await new Promise((resolve) => server.close(resolve));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(socket.readableEnded || socket.destroyed || (await new Promise((resolve) => socket.once('close', () => resolve(true))))).toBeTruthy();
  });
});

describe('YESGRAPH_LEAN_HTTP', () => {
  it('is on unless set to 0', () => {
    const env = { DATABASE_URL: 'sqlite::memory:', YESGRAPH_SECRET_KEY: 'k'.repeat(32) };
    expect(loadConfig(env).leanHttp).toBe(true);
    expect(loadConfig({ ...env, YESGRAPH_LEAN_HTTP: '0' }).leanHttp).toBe(false);
    expect(() => loadConfig({ ...env, YESGRAPH_LEAN_HTTP: 'yes' })).toThrow();
  });
});
