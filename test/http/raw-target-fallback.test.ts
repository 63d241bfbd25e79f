/**
 * Connections start on node's native parser and move to the normalizer at the first request
 * line node refuses: over real sockets, with the bytes split across reads, pipelined, and after
 * bodies. The server echoes what node handed it, and whether node's parser still reads the
 * socket from C++ (the fast path this file exists for).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listenHttp } from '../../src/http/listen.js';
import { MAX_HELD } from '../../src/http/raw-target-fallback.js';
import { parseResponses, portOf, type RawResponse } from './raw-socket.js';

interface Echo {
  method: string;
  url: string;
  body: string;
  native: boolean;
}

/** Whether node's parser reads this request's socket natively (node's own `_consumed` flag). */
function native(req: IncomingMessage): boolean {
  return (req.socket as unknown as { parser?: { _consumed?: boolean } | null }).parser?._consumed === true;
}

async function echo(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  if (req.url?.startsWith('/slow')) await new Promise((r) => setTimeout(r, 60));
  const answer: Echo = { method: req.method!, url: req.url!, body: Buffer.concat(chunks).toString('utf8'), native: native(req) };
  return JSON.stringify(answer);
}

const handler = (req: IncomingMessage, res: ServerResponse) => {
  void echo(req).then((body) => res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body));
};

let server: Server;
let port: number;
beforeAll(async () => {
  server = await listenHttp(handler, '127.0.0.1', 0);
  port = portOf(server);
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Writes each part as its own TCP segment, `gapMs` apart, and reads every answer until the server closes. */
function send(parts: Array<string | Buffer>, gapMs = 25, to = port): Promise<RawResponse[]> {
  return new Promise((resolve, reject) => {
    let all = Buffer.alloc(0);
    const socket = connect(to, '127.0.0.1');
    socket.setNoDelay(true);
    socket.on('connect', async () => {
      for (const [i, part] of parts.entries()) {
        if (i) await new Promise((r) => setTimeout(r, gapMs));
        socket.write(part);
      }
    });
    const timer = setTimeout(() => socket.destroy(), 5000);
    socket.on('data', (d: Buffer) => (all = Buffer.concat([all, d])));
    socket.on('error', reject);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(parseResponses(all, true).responses);
    });
  });
}

const echoes = (answers: RawResponse[]) => answers.map((a) => JSON.parse(a.body) as Echo);
const get = (target: string, last = false) => `GET ${target} HTTP/1.1\r\nHost: x\r\n${last ? 'Connection: close\r\n' : ''}\r\n`;
const post = (body: string, last = false) => `POST /form HTTP/1.1\r\nHost: x\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${last ? 'Connection: close\r\n' : ''}\r\n${body}`;
/** The Go SDK's kind of target: raw UTF-8 and a raw space. */
const RAW = '/?name=小白&order=["id DESC"]';
const ENCODED = '/?name=%E5%B0%8F%E7%99%BD&order=["id%20DESC"]';

describe('native parser first, the normalizer from the first refused request line on', () => {
  it('keeps a connection of plain requests on node’s native parser', async () => {
    const answers = echoes(await send([get('/a'), get('/b'), get('/c', true)]));
    expect(answers.map((a) => [a.url, a.native])).toEqual([
      ['/a', true],
      ['/b', true],
      ['/c', true],
    ]);
  });

  it('moves a connection at its first raw request line, and answers it and every later request', async () => {
    const answers = echoes(await send([get('/a'), get(RAW), post('x=1'), get(RAW, true)]));
    expect(answers.map((a) => [a.method, a.url, a.body, a.native])).toEqual([
      ['GET', '/a', '', true],
      ['GET', ENCODED, '', false],
      ['POST', '/form', 'x=1', false],
      ['GET', ENCODED, '', false],
    ]);
  });

  it('finds a raw request line split across reads, wherever the cut falls', async () => {
    const request = Buffer.from(get(RAW, true));
    const cuts = [1, 3, 4, 5, 9, 10, 20, 26, 27, request.indexOf('HTTP/'), request.indexOf('Host'), request.length - 2];
    for (const cut of cuts) {
      const answers = await send([request.subarray(0, cut), request.subarray(cut)]);
      expect(answers.map((a) => a.status), `cut at ${cut}`).toEqual([200]);
      expect(echoes(answers)[0]!.url, `cut at ${cut}`).toBe(ENCODED);
    }
    const threeWay = await send([request.subarray(0, 8), request.subarray(8, 12), request.subarray(12)]);
    expect(echoes(threeWay)[0]!.url).toBe(ENCODED);
  });

  it('finds the raw request line after a body in the same read, even one that looks like a request line', async () => {
    const body = 'no newline, GET /?x=1 HTTP/1.1';
    const answers = echoes(await send([post(body) + get(RAW, true)]));
    expect(answers.map((a) => [a.method, a.url, a.body])).toEqual([
      ['POST', '/form', body],
      ['GET', ENCODED, ''],
    ]);
  });

  it('finds it after a body that spans several reads', async () => {
    const body = 'b'.repeat(3000);
    const whole = post(body);
    const answers = echoes(await send([whole.slice(0, 100), whole.slice(100, 1500), whole.slice(1500) + get(RAW, true)]));
    expect(answers.map((a) => [a.url, a.body.length])).toEqual([
      ['/form', 3000],
      [ENCODED, 0],
    ]);
  });

  it('answers requests pipelined before the raw one first, in order, whatever their answers wait for', async () => {
    const answers = echoes(await send([get('/slow/1') + get('/slow/2') + get(RAW) + get('/after', true)]));
    expect(answers.map((a) => a.url)).toEqual(['/slow/1', '/slow/2', ENCODED, '/after']);
  });

  it('meets a request after one that closes the connection as node does', async () => {
    const bytes = get('/slow', true) + get(RAW, true);
    const strict = await listenHttp(handler, '127.0.0.1', 0, { rawUrl: false });
    try {
      const [ours, nodes] = await Promise.all([send([bytes]), send([bytes], 25, portOf(strict))]);
      expect(ours.map((a) => a.statusLine)).toEqual(nodes.map((a) => a.statusLine));
      expect(ours.at(-1)?.status).toBe(400);
    } finally {
      await new Promise<void>((resolve) => strict.close(() => resolve()));
    }
  });

  it('releases a moved connection to the server like any other: it closes an idle one', async () => {
    const other = await listenHttp((_req, res) => res.end('ok'), '127.0.0.1', 0);
    const socket = connect(portOf(other), '127.0.0.1');
    const answered = new Promise<string>((resolve) => socket.once('data', (d: Buffer) => resolve(d.toString('latin1'))));
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.write(get(RAW));
    expect(await answered).toMatch(/^HTTP\/1\.1 200 OK/);
    // Node's close() ends idle keep-alive connections it tracks; one it lost would hold it open.
    await new Promise<void>((resolve) => other.close(() => resolve()));
    await closed;
  });

  it('leaves every other parse error to node: a bare 400 and the connection closed', async () => {
    const refused = [
      // A header line that looks like a raw request line.
      'GET /a HTTP/1.1\r\nGET /?n=小 HTTP/1.1\r\n\r\n',
      // A control byte in the raw target: the normalizer does not take it either.
      'GET /?n=小\x01 HTTP/1.1\r\nHost: x\r\n\r\n',
      // A raw request line right after a chunked body, in the same read: framing the normalizer does not follow.
      'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n' + get(RAW, true),
    ];
    for (const bytes of refused) {
      const answers = await send([bytes]);
      expect(answers.at(-1), JSON.stringify(bytes)).toMatchObject({ status: 400, headers: { connection: 'close' } });
    }
  });

  it('on a node whose parser binding lacks what a move needs, reads every connection after the first through the normalizer', async () => {
    // The binding's prototype, taken from a connection of a plain server.
    const plain = createServer(() => undefined);
    const proto = await new Promise<{ duration?: unknown }>((resolve) => {
      plain.once('connection', (s: Socket) => {
        resolve(Object.getPrototypeOf((s as unknown as { parser: object }).parser) as { duration?: unknown });
        s.destroy();
      });
      plain.listen(0, '127.0.0.1', () => connect(portOf(plain), '127.0.0.1').on('error', () => undefined));
    });
    await new Promise<void>((resolve) => plain.close(() => resolve()));
    const duration = proto.duration;
    delete proto.duration;
    const other = await listenHttp(handler, '127.0.0.1', 0);
    try {
      const first = echoes(await send([get('/first', true)], 25, portOf(other)));
      const raw = echoes(await send([get(RAW, true)], 25, portOf(other)));
      expect([...first, ...raw].map((a) => [a.url, a.native])).toEqual([
        ['/first', true],
        [ENCODED, false],
      ]);
    } finally {
      proto.duration = duration;
      await new Promise<void>((resolve) => other.close(() => resolve()));
    }
  });

  it(`refuses a raw request line read after more than ${MAX_HELD} bytes of one unfinished request`, async () => {
    const whole = post('b'.repeat(MAX_HELD + 2000));
    const answers = await send([whole.slice(0, 1000), whole.slice(1000, -10), whole.slice(-10) + get(RAW, true)]);
    // Node's own answer to a parse error: the POST's answer, still in the making, is dropped with the connection.
    expect(answers.map((a) => [a.status, a.headers.connection])).toEqual([[400, 'close']]);
  });
});
