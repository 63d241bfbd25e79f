/**
 * node:http ↔ Fetch API: each request becomes a `Request` for the fetch handler, and its
 * `Response` is written back with the standard reason phrase in the status line (some SDKs
 * compare the whole status, `200 OK`). A large or chunked request body is streamed, so the
 * handler's own size limit applies before it is read; the handler is not told of a client that
 * went away (no abort signal: it costs more than the work it could save here).
 */
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import { bodyDone } from './node-body.js';

/** `info.remoteAddress` is the socket's peer address (the guards' client IP comes from it). */
export type FetchHandler = (request: Request, info: { remoteAddress?: string }) => Promise<Response>;
/** The answer to a failure of the bridge itself, for the request's path (it logs the cause). */
export type FaultHandler = (pathname: string, err: unknown) => Response;

const HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/** The request's URL on this server; the Host header only names the origin when it is a plain host. */
export function requestUrl(req: IncomingMessage): string {
  return urlOf(req.headers.host, req.url ?? '/');
}

/** The URL of a request target sent with this Host header. */
export function urlOf(hostHeader: string | undefined, target: string): string {
  const host = hostHeader && HOST.test(hostHeader) ? hostHeader : 'localhost';
  if (target.startsWith('/')) return `http://${host}${target}`;
  // Absolute form (`GET http://host/path`): only its path and query count.
  if (/^https?:\/\//i.test(target)) {
    try {
      const u = new URL(target);
      return `http://${host}${u.pathname}${u.search}`;
    } catch {
      // fall through: treated as `/`
    }
  }
  return `http://${host}/`;
}

function bodyStream(req: IncomingMessage): ReadableStream<Uint8Array> {
  let open = true;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      req.on('data', (chunk: Buffer) => {
        if (!open) return;
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if ((controller.desiredSize ?? 0) <= 0) req.pause();
      });
      req.on('end', () => {
        if (open) controller.close();
        open = false;
      });
      req.on('error', (err) => {
        if (open) controller.error(err);
        open = false;
      });
      req.pause();
    },
    pull() {
      req.resume();
    },
    cancel() {
      // The rest is not wanted (a body over the limit): the answer closes the connection.
      open = false;
      req.pause();
    },
  });
}

/** A body declared at most this long is read whole before the handler runs (cheaper than a stream). */
const SMALL_BODY = 64 * 1024;

function readSmall(req: IncomingMessage): Promise<Uint8Array<ArrayBuffer>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    req.on('error', reject);
    req.on('close', () => reject(new Error('the client closed the connection before the body was complete')));
  });
}

/** Fetch `Headers` of a request's raw headers (names and values alternating, as node gives them). */
export function headersOf(raw: readonly string[]): Headers {
  const headers = new Headers();
  for (let i = 0; i < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!);
  return headers;
}

async function toRequest(req: IncomingMessage, url: string): Promise<Request> {
  const headers = headersOf(req.rawHeaders);
  const method = req.method ?? 'GET';
  if (method === 'GET' || method === 'HEAD') return new Request(url, { method, headers });
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) <= SMALL_BODY) return new Request(url, { method, headers, body: await readSmall(req) });
  return new Request(url, { method, headers, body: bodyStream(req), duplex: 'half' } as RequestInit);
}

/** An answer's headers, names and values alternating. */
export function headerList(response: Response): string[] {
  const list: string[] = [];
  for (const [name, value] of response.headers) list.push(name, value);
  return list;
}

/** A body written as it comes (an event stream, a multipart stream) rather than whole with its length. */
export function isStreamType(type: string): boolean {
  return type.startsWith('text/event-stream') || type.startsWith('multipart/');
}

/** The rest of a body, read whole: its chunks and their total length. */
export async function readWhole(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<{ chunks: Uint8Array[]; size: number }> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (let r = await reader.read(); !r.done; r = await reader.read()) {
    chunks.push(r.value);
    size += r.value.byteLength;
  }
  return { chunks, size };
}

export async function writeResponse(req: IncomingMessage, res: ServerResponse, response: Response): Promise<void> {
  const status = response.status;
  const headers = headerList(response);
  // A request body left unread (refused for its size) is not drained: the connection closes.
  if (!bodyDone(req)) headers.push('connection', 'close');
  if (!response.body || req.method === 'HEAD') {
    res.writeHead(status, STATUS_CODES[status], headers);
    res.end();
    void response.body?.cancel().catch(() => undefined);
    return;
  }
  const reader = response.body.getReader();
  if (!isStreamType(response.headers.get('content-type') ?? '')) {
    // A whole answer (every answer but a stream of events) goes out with its length, in one write.
    const { chunks, size } = await readWhole(reader);
    if (!response.headers.has('content-length')) headers.push('content-length', String(size));
    res.writeHead(status, STATUS_CODES[status], headers);
    res.end(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
    return;
  }
  res.writeHead(status, STATUS_CODES[status], headers);
  res.once('close', () => void reader.cancel().catch(() => undefined));
  for (;;) {
    const { done, value } = await reader.read();
    if (done || res.destroyed) break;
    if (!res.write(value)) await new Promise((resolve) => res.once('drain', resolve).once('close', resolve));
  }
  res.end();
}

/** A node:http request listener serving `handler`; `fault` answers when the bridge itself fails. */
export function nodeListener(handler: FetchHandler, fault: FaultHandler) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    void (async () => {
      let pathname = '/';
      try {
        const url = requestUrl(req);
        pathname = new URL(url).pathname;
        await writeResponse(req, res, await handler(await toRequest(req, url), { remoteAddress: req.socket.remoteAddress }));
      } catch (err) {
        if (res.destroyed) return; // the client is gone: nobody to answer
        try {
          const answer = fault(pathname, err);
          if (res.headersSent) res.destroy();
          else await writeResponse(req, res, answer);
        } catch {
          res.destroy();
        }
      }
    })();
  };
}
