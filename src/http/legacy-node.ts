/**
 * The legacy face served straight from node:http: an IncomingMessage adapted to LegacyRequest
 * and the answer written back, with no Fetch `Request`/`Response` in between. This is the
 * platform SDKs' hot path; everything else (GraphQL, /healthz) goes through the Fetch bridge.
 */
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import { refuse } from '../errors.js';
import type { LegacyAnswer, LegacyRequest } from '../legacy/request.js';

/** Path and query of the request target, normalised as the Fetch bridge's URL is; null for a target that is not a path. */
export function targetOf(req: IncomingMessage): { pathname: string; query: string } | null {
  const target = req.url ?? '/';
  if (!target.startsWith('/')) return null;
  // Concatenated, not resolved against a base: `//?s=…` (the PHP SDK's path) is a path here.
  try {
    const url = new URL(`http://localhost${target}`);
    return { pathname: url.pathname, query: url.search.slice(1) };
  } catch {
    return null;
  }
}

/** The body, refused past `limit` bytes (the answer then closes the connection). */
function readBody(req: IncomingMessage, limit: number): Promise<Uint8Array<ArrayBuffer>> {
  if (Number(req.headers['content-length'] ?? '0') > limit) return Promise.reject(refuse('BODY_TOO_LARGE', { limit }));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      req.off('data', onData);
      req.pause();
    };
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > limit) {
        stop();
        reject(refuse('BODY_TOO_LARGE', { limit }));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    req.once('error', reject);
    req.once('close', () => {
      if (!req.complete) reject(new Error('the client closed the connection before the body was complete'));
    });
  });
}

export function legacyRequestFromNode(req: IncomingMessage, target: { pathname: string; query: string }): LegacyRequest {
  return {
    method: req.method ?? 'GET',
    pathname: target.pathname,
    query: target.query,
    header: (name) => {
      const v = req.headers[name.toLowerCase()];
      return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
    },
    body: (limit) => readBody(req, limit),
  };
}

export function writeAnswer(req: IncomingMessage, res: ServerResponse, answer: LegacyAnswer): void {
  const headers: string[] = [];
  for (const [name, value] of Object.entries(answer.headers)) headers.push(name, value);
  // A request body left unread (refused for its size) is not drained: the connection closes.
  if (!req.complete) headers.push('connection', 'close');
  const body = answer.body === null ? null : Buffer.from(answer.body, 'utf8');
  if (body) headers.push('content-length', String(body.byteLength));
  res.writeHead(answer.status, STATUS_CODES[answer.status], headers);
  res.end(req.method === 'HEAD' ? undefined : body);
}
