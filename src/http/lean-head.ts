/**
 * The request heads the lean front (lean-front.ts) answers itself: a strict subset of HTTP/1.1
 * whose framing no parser can read two ways. Anything outside it is not refused here but handed,
 * bytes untouched, to node's own HTTP server, which judges it as always (llhttp's errors, 431,
 * chunked bodies, Expect, Upgrade, HTTP/1.0, raw bytes in the target…).
 *
 * In the subset: `GET` or `POST`, an origin-form target of plain characters (`splitPlainTarget`),
 * `HTTP/1.1`, CRLF line ends only, header names of token characters, values of visible ASCII,
 * space and tab, no header named twice, a `Host`, no `Transfer-Encoding`, `Expect` or `Upgrade`,
 * `Connection` absent or `keep-alive` or `close`, and at most one `Content-Length` of digits, no
 * larger than `MAX_LEAN_BODY` (none on a GET).
 */
import { splitPlainTarget, type Target } from './legacy-node.js';

/** The longest head taken (node's default `maxHeaderSize`): a longer one is node's to refuse. */
export const MAX_LEAN_HEAD = 16 * 1024;

/** The largest body waited for whole; a larger one is node's to stream. */
export const MAX_LEAN_BODY = 64 * 1024;

export interface LeanHead {
  readonly method: 'GET' | 'POST';
  /** The target as sent, e.g. `/?s=App.Hello.World`. */
  readonly url: string;
  readonly target: Target;
  /** Lower-case names to values. */
  readonly headers: Readonly<Record<string, string>>;
  /** Names as sent and values, alternating (node's `rawHeaders`). */
  readonly rawHeaders: readonly string[];
  /** Bytes of the head, its blank line included. */
  readonly headLength: number;
  readonly bodyLength: number;
  /** The client asked for the connection to close after the answer. */
  readonly close: boolean;
}

const REQUEST_LINE = /^(GET|POST) (\/[^ ]*) HTTP\/1\.1$/;
const HEADER = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+):[ \t]*([\t\x20-\x7e]*?)[ \t]*$/;
const DIGITS = /^\d{1,9}$/;
/** Headers whose presence hands the request to node. */
const NOT_LEAN = new Set(['transfer-encoding', 'expect', 'upgrade']);

const HEAD_END = Buffer.from('\r\n\r\n');

/**
 * The head at the start of `bytes`: 'more' while its end has not arrived (and may still come
 * within the limit), null when the request is not in the subset. `searched`: how many bytes at
 * the start are known to hold no end of the head (it is looked for after them).
 */
export function parseLeanHead(bytes: Buffer, searched = 0): LeanHead | 'more' | null {
  const end = bytes.indexOf(HEAD_END, Math.max(0, searched - 3));
  if (end < 0) return bytes.length < MAX_LEAN_HEAD ? 'more' : null;
  const headLength = end + 4;
  if (headLength > MAX_LEAN_HEAD) return null;
  const lines = bytes.toString('latin1', 0, end).split('\r\n');
  const line = REQUEST_LINE.exec(lines[0]!);
  if (!line) return null;
  const target = splitPlainTarget(line[2]!);
  if (!target) return null;
  const headers: Record<string, string> = Object.create(null) as Record<string, string>;
  const rawHeaders: string[] = [];
  for (let i = 1; i < lines.length; i++) {
    const header = HEADER.exec(lines[i]!);
    if (!header) return null;
    const name = header[1]!.toLowerCase();
    if (name in headers || NOT_LEAN.has(name)) return null;
    headers[name] = header[2]!;
    rawHeaders.push(header[1]!, header[2]!);
  }
  if (headers.host === undefined) return null;
  const connection = headers.connection?.toLowerCase();
  if (connection !== undefined && connection !== 'keep-alive' && connection !== 'close') return null;
  let bodyLength = 0;
  const declared = headers['content-length'];
  if (declared !== undefined) {
    if (!DIGITS.test(declared)) return null;
    bodyLength = Number(declared);
    if (bodyLength > MAX_LEAN_BODY || (bodyLength > 0 && line[1] === 'GET')) return null;
  }
  return { method: line[1] as 'GET' | 'POST', url: line[2]!, target, headers, rawHeaders, headLength, bodyLength, close: connection === 'close' };
}
