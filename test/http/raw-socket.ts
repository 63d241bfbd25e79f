/** Raw HTTP/1.1 over a real socket: bytes exactly as written, answers exactly as received. */
import type { Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';

export interface RawResponse {
  /** The status line, e.g. `HTTP/1.1 200 OK`. */
  statusLine: string;
  status: number;
  headers: Record<string, string>;
  body: string;
}

export function portOf(server: Server): number {
  return (server.address() as AddressInfo).port;
}

/**
 * Writes `steps[0]`, then each next step once as many answers have arrived as steps were
 * written, and reads until the server closes the connection (the last request should say
 * `Connection: close`) or `timeoutMs` passes; returns every answer.
 */
export function exchange(port: number, steps: Buffer | string | Array<Buffer | string>, timeoutMs = 5000): Promise<RawResponse[]> {
  const queue = Array.isArray(steps) ? [...steps] : [steps];
  let written = 0;
  return new Promise((resolve, reject) => {
    let all = Buffer.alloc(0);
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(queue[written++]!);
    });
    const timer = setTimeout(() => socket.destroy(), timeoutMs);
    socket.on('data', (d: Buffer) => {
      all = Buffer.concat([all, d]);
      if (written < queue.length && parseResponses(all).responses.length >= written) socket.write(queue[written++]!);
    });
    socket.on('error', reject);
    socket.on('close', () => {
      clearTimeout(timer);
      const { responses, rest } = parseResponses(all, true);
      if (rest.length) reject(new Error(`incomplete response: ${JSON.stringify(rest.toString('latin1'))}`));
      else resolve(responses);
    });
  });
}

/** Splits a byte stream of responses (Content-Length framed, or, once `closed`, ending at close). */
export function parseResponses(all: Buffer, closed = false): { responses: RawResponse[]; rest: Buffer } {
  const responses: RawResponse[] = [];
  let at = 0;
  for (;;) {
    const headEnd = all.indexOf('\r\n\r\n', at);
    if (headEnd < 0) break;
    const lines = all.subarray(at, headEnd).toString('latin1').split('\r\n');
    const statusLine = lines[0]!;
    const headers: Record<string, string> = {};
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
    }
    const declared = headers['content-length'];
    if (declared === undefined && !closed) break;
    const length = declared === undefined ? all.length - headEnd - 4 : Number(declared);
    if (headEnd + 4 + length > all.length) break;
    const body = all.subarray(headEnd + 4, headEnd + 4 + length).toString('utf8');
    responses.push({ statusLine, status: Number(statusLine.split(' ')[1]), headers, body });
    at = headEnd + 4 + length;
  }
  return { responses, rest: all.subarray(at) };
}
