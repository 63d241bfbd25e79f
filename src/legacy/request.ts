/**
 * The legacy face's view of a request and its answer, and the adapters to and from the Fetch
 * API (`server.fetch`). The node:http listener builds a LegacyRequest straight from an
 * IncomingMessage (src/http/legacy-node.ts).
 */
import { readBody } from '../body.js';

/**
 * What the legacy face needs of a request. The server adapts a Fetch `Request` to it, and the
 * node:http listener adapts an IncomingMessage directly, skipping the Fetch objects on the
 * platform's hot path.
 */
export interface LegacyRequest {
  readonly method: string;
  /** The path, e.g. `/` or `/api/App/Hello/World`. */
  readonly pathname: string;
  /** The raw query string, without `?`. */
  readonly query: string;
  /** The address of the connection's peer (the client, or a proxy: see YESGRAPH_TRUSTED_PROXIES); undefined when unknown. */
  readonly remoteAddress: string | undefined;
  header(name: string): string | null;
  /** The body, at most `limit` bytes (a 400 beyond). */
  body(limit: number): Promise<Uint8Array<ArrayBuffer>>;
}

/** What the legacy face answers: a status, headers and a body. */
export interface LegacyAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  /** The text, or for a long answer its UTF-8 bytes (src/legacy/envelope.ts). */
  readonly body: string | Uint8Array<ArrayBuffer> | null;
}

export const JSON_TYPE = { 'content-type': 'application/json; charset=utf-8' };

/** What a server knows of a Fetch request besides the request itself (`server.fetch(request, info)`). */
export interface RequestInfo {
  /** The connection's peer address (node:http's `req.socket.remoteAddress`). */
  readonly remoteAddress?: string;
}

export function legacyRequestOf(request: Request, info: RequestInfo = {}): LegacyRequest {
  const url = new URL(request.url);
  return {
    method: request.method,
    pathname: url.pathname,
    query: url.search.slice(1),
    remoteAddress: info.remoteAddress,
    header: (name) => request.headers.get(name),
    body: (limit) => readBody(request, limit),
  };
}

export function responseOf(answer: LegacyAnswer): Response {
  return new Response(answer.body, { status: answer.status, headers: answer.headers });
}

