/**
 * The legacy face served straight from node:http: an IncomingMessage adapted to LegacyRequest
 * and the answer written back, with no Fetch `Request`/`Response` in between. This is the
 * platform SDKs' hot path; everything else (GraphQL, /healthz) goes through the Fetch bridge.
 */
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { LegacyAnswer, LegacyRequest } from '../legacy/request.js';
import { bodyDone, readNodeBody } from './node-body.js';

/**
 * A target whose path and query WHATWG URL parsing leaves as they are: only characters that
 * need no percent-encoding in either (the dot of `s=App.Hello.World` among them), no dot
 * segment in the path, no backslash, no fragment.
 */
const PLAIN_TARGET = /^\/[A-Za-z0-9\-._~!$&()*+,;=:@/?%]*$/;
const DOT_SEGMENT = /\/\.|%2e/i;

export interface Target {
  readonly pathname: string;
  readonly query: string;
}

/** The common target split without a URL parse (about 5 µs, 3 % of a Hello call's CPU); null when it needs one. */
export function splitPlainTarget(target: string): Target | null {
  if (!PLAIN_TARGET.test(target)) return null;
  const q = target.indexOf('?');
  const pathname = q < 0 ? target : target.slice(0, q);
  return DOT_SEGMENT.test(pathname) ? null : { pathname, query: q < 0 ? '' : target.slice(q + 1) };
}

/** Path and query of the request target, normalised as the Fetch bridge's URL is; null for a target that is not a path. */
export function targetOf(req: IncomingMessage): Target | null {
  const target = req.url ?? '/';
  if (!target.startsWith('/')) return null;
  const plain = splitPlainTarget(target);
  if (plain) return plain;
  // Concatenated, not resolved against a base: `//?s=…` (the PHP SDK's path) is a path here.
  try {
    const url = new URL(`http://localhost${target}`);
    return { pathname: url.pathname, query: url.search.slice(1) };
  } catch {
    return null;
  }
}

export function legacyRequestFromNode(req: IncomingMessage, target: Target): LegacyRequest {
  return {
    method: req.method ?? 'GET',
    pathname: target.pathname,
    query: target.query,
    remoteAddress: req.socket.remoteAddress,
    header: (name) => {
      const v = req.headers[name.toLowerCase()];
      return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
    },
    body: (limit) => readNodeBody(req, limit),
  };
}

/**
 * An answer's headers as written: its own, then `connection: close` when `close` (a request body
 * refused unread is not drained), then its body's length; names and values alternating.
 */
export function answerHeaders(answer: { readonly headers: Record<string, string>; readonly body: string | Uint8Array | null }, close: boolean): string[] {
  const headers: string[] = [];
  // for…in, not Object.entries: the answers' few header objects keep V8's enum cache, where
  // entries left JIT code for the runtime on every answer (about 1 % of a legacy Hello's CPU).
  const own = answer.headers;
  for (const name in own) headers.push(name, own[name]!);
  if (close) headers.push('connection', 'close');
  const body = answer.body;
  if (body !== null) headers.push('content-length', String(typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.byteLength));
  return headers;
}

export function writeAnswer(req: IncomingMessage, res: ServerResponse, answer: LegacyAnswer): void {
  // A request body left unread (refused for its size) is not drained: the connection closes.
  const headers = answerHeaders(answer, !bodyDone(req));
  const body = answer.body;
  res.writeHead(answer.status, STATUS_CODES[answer.status], headers);
  // A string body goes out as one chunk with the head (node joins them); bytes as a second chunk of the same write.
  if (req.method === 'HEAD' || body === null) res.end();
  else if (typeof body === 'string') res.end(body, 'utf8');
  else res.end(body);
}
