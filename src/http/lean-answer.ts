/**
 * An answer of the lean front (lean-front.ts) as bytes on the socket, byte for byte what the
 * node:http path (legacy-node.ts's writeAnswer, bridge.ts's writeResponse) writes for the same
 * answer: the status line with its standard reason phrase, the headers as given, then `Date`,
 * then `Connection: keep-alive` with `Keep-Alive: timeout=<s>` (or `Connection: close`), and for
 * an event stream `Transfer-Encoding: chunked`. (A Response without a body, which no answer on
 * the front's paths is, goes out with `content-length: 0` where node would send an empty
 * chunked body.)
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { headerList, isStreamType, readWhole } from './bridge.js';
import { answerHeaders } from './legacy-node.js';

/** What a lean answer is made of, whichever face made it. */
export interface LeanAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string | Uint8Array | null;
}

let dateSecond = -1;
let dateText = '';

/** The `Date` header's value, made at most once a second (as node caches it). */
function httpDate(): string {
  const second = Math.floor(Date.now() / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(second * 1000).toUTCString();
  }
  return dateText;
}

/** How the connection goes on after an answer. */
export interface Persistence {
  /** Close the connection after this answer. */
  readonly close: boolean;
  /** node's `keepAliveTimeout`, for the `Keep-Alive` header. */
  readonly keepAliveMs: number;
}

/** The head of an answer; `headers` alternate names and values. */
function headOf(status: number, headers: readonly string[], persistence: Persistence, chunked: boolean): string {
  let head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'unknown'}\r\n`;
  let connection = false;
  let date = false;
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i]!;
    head += `${name}: ${headers[i + 1]!}\r\n`;
    if (name.length === 10 && name.toLowerCase() === 'connection') connection = true;
    else if (name.length === 4 && name.toLowerCase() === 'date') date = true;
  }
  if (!date) head += `Date: ${httpDate()}\r\n`;
  if (!connection && persistence.close) head += 'Connection: close\r\n';
  else if (!connection) head += persistence.keepAliveMs ? `Connection: keep-alive\r\nKeep-Alive: timeout=${Math.floor(persistence.keepAliveMs / 1000)}\r\n` : 'Connection: keep-alive\r\n';
  if (chunked) head += 'Transfer-Encoding: chunked\r\n';
  return head + '\r\n';
}

/** Writes a whole answer; `closeHeader` adds `connection: close` to its headers, as node's path does for a body refused unread. */
export function writeLeanAnswer(socket: Socket, answer: LeanAnswer, persistence: Persistence, closeHeader: boolean): void {
  const headers = answerHeaders(answer, closeHeader);
  const body = answer.body;
  const head = headOf(answer.status, headers, persistence, false);
  // A string body goes out with the head in one write; bytes in the same corked write.
  if (body === null) socket.write(head, 'latin1');
  else if (typeof body === 'string') socket.write(head + body, 'utf8');
  else {
    socket.cork();
    socket.write(head, 'latin1');
    socket.write(body);
    socket.uncork();
  }
}

/**
 * Writes a Fetch `Response` (yoga's answer to a request off the fast path): whole with its
 * length, or an event stream chunk by chunk as it comes, waiting for the socket to drain.
 */
export async function writeLeanResponse(socket: Socket, response: Response, persistence: Persistence, closeHeader: boolean): Promise<void> {
  const headers = headerList(response);
  if (closeHeader) headers.push('connection', 'close');
  const reader = response.body?.getReader();
  if (!reader) {
    socket.write(headOf(response.status, [...headers, 'content-length', '0'], persistence, false), 'latin1');
    return;
  }
  if (!isStreamType(response.headers.get('content-type') ?? '')) {
    const { chunks, size } = await readWhole(reader);
    if (!response.headers.has('content-length')) headers.push('content-length', String(size));
    socket.cork();
    socket.write(headOf(response.status, headers, persistence, false), 'latin1');
    for (const chunk of chunks) socket.write(chunk);
    socket.uncork();
    return;
  }
  socket.write(headOf(response.status, headers, persistence, true), 'latin1');
  const gone = () => void reader.cancel().catch(() => undefined);
  socket.once('close', gone);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || socket.destroyed) break;
      if (!value.byteLength) continue;
      socket.cork();
      socket.write(`${value.byteLength.toString(16)}\r\n`, 'latin1');
      socket.write(value);
      const more = socket.write('\r\n', 'latin1');
      socket.uncork();
      if (!more) await new Promise((resolve) => socket.once('drain', resolve).once('close', resolve));
    }
    if (!socket.destroyed) socket.write('0\r\n\r\n', 'latin1');
  } finally {
    socket.off('close', gone);
  }
}
