/**
 * One fetch handler for everything: `/graphql` (GraphQL face), `/healthz`, and every other path
 * for the legacy face. Tests call `server.fetch(request)` directly; `listen` serves it over
 * node:http. Whatever escapes a face is answered in that face's shape with an error id.
 */
import type { RequestListener, Server } from 'node:http';
import { decodeUtf8, readBody } from './body.js';
import { message, ProtocolError } from './errors.js';
import { fastGraphQL } from './graphql/fast-path.js';
import { guardRequest, protocolGraphQLError } from './graphql/guard.js';
import { createGraphQL, type Yoga } from './graphql/yoga.js';
import { nodeListener } from './http/bridge.js';
import { logAccess, type AccessNote } from './http/access-log.js';
import { logFault } from './http/fault.js';
import { checkGraphQLDepth } from './http/graphql-depth.js';
import { listenHttp, type ListenOptions } from './http/listen.js';
import { legacyRequestFromNode, targetOf, writeAnswer } from './http/legacy-node.js';
import { createLegacyHandler, legacyFault } from './legacy/handler.js';
import { legacyRequestOf, responseOf, type LegacyAnswer, type LegacyRequest } from './legacy/request.js';
import type { Runtime } from './runtime.js';

export type { ListenOptions };

export interface YesgraphServer {
  fetch(request: Request): Promise<Response>;
  /**
   * The legacy face without the Fetch API, for the node:http listener; null when every request
   * must pass through `fetch` (the `onRequest` test seam is set).
   */
  readonly legacy: ((request: LegacyRequest) => Promise<LegacyAnswer>) | null;
  /** The answer to a failure outside any face (logged with the cause under a new error id). */
  fault(pathname: string, err: unknown): Response;
  readonly yoga: Yoga;
}

export interface ServerOptions {
  /** Headers GraphiQL starts with (the demo app's key in development). */
  readonly graphiqlHeaders?: Record<string, string>;
  /** Runs first for every request; a test seam (a throw here is a server fault). */
  readonly onRequest?: (request: Request) => unknown;
}

const GRAPHQL_PATH = '/graphql';
const HEALTH_PATH = '/healthz';

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8' } });
}

export function createServer(rt: Runtime, options: ServerOptions = {}): YesgraphServer {
  const yoga = createGraphQL(rt, options);
  const legacy = createLegacyHandler(rt);

  async function graphql(request: Request): Promise<Response> {
    const url = new URL(request.url);
    let body: Uint8Array<ArrayBuffer> | null = null;
    let text = '';
    try {
      if (request.method === 'POST') body = await readBody(request, rt.config.bodyLimit);
      if (body) text = decodeUtf8(body);
      await checkGraphQLDepth(url, request.headers.get('content-type') ?? '', body, text);
    } catch (err) {
      if (err instanceof ProtocolError) return json(400, { errors: [protocolGraphQLError(err).toJSON()] });
      throw err;
    }
    if (!body) return yoga.fetch(request, { guard: await guardRequest(rt, request.headers, url.search.slice(1)) });
    const guard = await guardRequest(rt, request.headers, text);
    const fast = await fastGraphQL(yoga, request, text, { guard });
    if (fast) return fast;
    const forwarded = new Request(request.url, { method: 'POST', headers: request.headers, body });
    return yoga.fetch(forwarded, { guard });
  }

  async function health(): Promise<Response> {
    try {
      await rt.main.ping();
      return json(200, { status: 'ok' });
    } catch (err) {
      rt.log.warn({ err }, 'health check failed');
      return json(503, { status: 'unavailable' });
    }
  }

  function fault(pathname: string, err: unknown): Response {
    const errorId = logFault(rt.log, err, 'request failed');
    if (pathname !== GRAPHQL_PATH) return responseOf(legacyFault(errorId));
    return json(500, { errors: [{ message: message('GRAPHQL_FAULT'), extensions: { code: 'INTERNAL_SERVER_ERROR', errorId } }] });
  }

  /** The legacy face with the server's last-resort answer and access log around it. */
  async function legacyAnswer(request: LegacyRequest): Promise<LegacyAnswer> {
    const startedAt = performance.now();
    const note: AccessNote = {};
    let answer: LegacyAnswer;
    try {
      answer = await legacy(request, note);
    } catch (err) {
      answer = legacyFault(logFault(rt.log, err, 'request failed'));
    }
    if (rt.config.accessLog) logAccess(rt.log, request.method, request.pathname, answer.status, startedAt, note);
    return answer;
  }

  return {
    yoga,
    fault,
    legacy: options.onRequest ? null : legacyAnswer,
    async fetch(request) {
      const startedAt = performance.now();
      const note: AccessNote = {};
      let pathname = '/';
      let response: Response;
      try {
        pathname = new URL(request.url).pathname;
        await options.onRequest?.(request);
        if (pathname !== GRAPHQL_PATH && pathname !== HEALTH_PATH) return responseOf(await legacyAnswer(legacyRequestOf(request)));
        if (pathname === GRAPHQL_PATH) {
          note.app = request.headers.get('x-app-key') ?? undefined;
          response = await graphql(request);
        } else response = await health();
      } catch (err) {
        response = fault(pathname, err);
      }
      if (rt.config.accessLog) logAccess(rt.log, request.method, pathname, response.status, startedAt, note);
      return response;
    },
  };
}

/** Serves `server` on host:port; resolves once listening. */
export function listen(server: YesgraphServer, host: string, port: number, options: ListenOptions = {}): Promise<Server> {
  const bridge = nodeListener(
    (request) => server.fetch(request),
    (pathname, err) => server.fault(pathname, err),
  );
  const legacy = server.legacy;
  const listener: RequestListener = (req, res) => {
    const target = legacy ? targetOf(req) : null;
    if (!legacy || !target || target.pathname === GRAPHQL_PATH || target.pathname === HEALTH_PATH) return bridge(req, res);
    // The answer is never a rejection (legacy answers every fault); a failure to write it is.
    legacy(legacyRequestFromNode(req, target))
      .then((answer) => writeAnswer(req, res, answer))
      .catch(() => res.destroy());
  };
  return listenHttp(listener, host, port, options);
}
