/**
 * One fetch handler for everything: `/graphql` (GraphQL face), `/healthz`, and every other path
 * for the legacy face. Tests call `server.fetch(request)` directly; `listen` serves it over
 * node:http. Whatever escapes a face is answered in that face's shape with an error id.
 */
import type { RequestListener, Server } from 'node:http';
import { decodeUtf8, rawText, readBody } from './body.js';
import { message, ProtocolError } from './errors.js';
import { fastEligible, fastGraphQL } from './graphql/fast-path.js';
import { isAnswer, type GraphQLAnswer, type GraphQLPost } from './graphql/post.js';
import { guardRequest, protocolGraphQLError } from './graphql/guard.js';
import { createGraphQL, type Yoga } from './graphql/yoga.js';
import { nodeListener, writeResponse } from './http/bridge.js';
import { graphqlPostFromNode } from './http/graphql-node.js';
import { logAccess, newNote, type AccessNote } from './http/access-log.js';
import { recordCall } from './http/call-record.js';
import type { Face } from './records/call-log.js';
import { logFault } from './http/fault.js';
import { InFlight } from './http/in-flight.js';
import { checkGraphQLDepth } from './http/graphql-depth.js';
import { listenHttp, type ListenOptions } from './http/listen.js';
import type { LeanRoute } from './http/lean-front.js';
import { leanGraphQLPost, leanLegacyRequest } from './http/lean-request.js';
import { METRICS_PATH, metricsResponse, metricsServed } from './http/metrics.js';
import { createStaticRoutes } from './http/static-routes.js';
import { legacyRequestFromNode, targetOf, writeAnswer } from './http/legacy-node.js';
import { readNodeBody } from './http/node-body.js';
import { createLegacyHandler, legacyFault } from './legacy/handler.js';
import { JSON_TYPE, legacyRequestOf, responseOf, type LegacyAnswer, type LegacyRequest, type RequestInfo } from './legacy/request.js';
import type { Runtime } from './runtime.js';
import { DOWNLOAD_PATH, downloadResponse } from './tasks/download.js';

export type { ListenOptions };

export interface YesgraphServer {
  /** `info.remoteAddress`: the connection's peer, for the guards' IP lists (unknown without it). */
  fetch(request: Request, info?: RequestInfo): Promise<Response>;
  /**
   * The legacy face without the Fetch API, for the node:http listener; null when every request
   * must pass through `fetch` (the `onRequest` test seam is set).
   */
  readonly legacy: ((request: LegacyRequest) => Promise<LegacyAnswer>) | null;
  /** The GraphQL face's POST without the Fetch API (null as for `legacy`): the body is read by `read`. */
  readonly graphqlPost: ((post: GraphQLPost, read: (limit: number) => Promise<Uint8Array<ArrayBuffer>>) => Promise<GraphQLAnswer | Response>) | null;
  /** The answer to a failure outside any face (logged with the cause under a new error id). */
  fault(pathname: string, err: unknown): Response;
  readonly yoga: Yoga;
  /** True for the paths answered with files (the playground's, the example frontend's), when they are on. */
  servesFile?(pathname: string): boolean;
  /**
   * Resolves once no answer is being made, whether or not its client still waits for it: a
   * shutdown closes the listener, waits for this, then closes the runtime.
   */
  drained(): Promise<void>;
}

export interface ServerOptions {
  /** Runs first for every request; a test seam (a throw here is a server fault). */
  readonly onRequest?: (request: Request) => unknown;
}

const GRAPHQL_PATH = '/graphql';
const HEALTH_PATH = '/healthz';

function asResponse(answer: GraphQLAnswer | Response): Response {
  return isAnswer(answer) ? responseOf(answer) : answer;
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8' } });
}

export function createServer(rt: Runtime, options: ServerOptions = {}): YesgraphServer {
  const files = createStaticRoutes(rt, GRAPHQL_PATH);
  const graphql = createGraphQL(rt, { playground: files.playground });
  const { yoga } = graphql;
  const legacy = createLegacyHandler(rt);
  const inFlight = new InFlight();
  rt.tasks.start();

  /** A GraphQL answer refusing the request before yoga sees it. */
  function graphqlRefusal(err: ProtocolError): GraphQLAnswer {
    return { status: 400, headers: JSON_TYPE, body: JSON.stringify({ errors: [protocolGraphQLError(err).toJSON()] }) };
  }

  /** What the guards learned of the caller, for the call log. */
  function noteGuard(note: AccessNote, guard: Awaited<ReturnType<typeof guardRequest>>): void {
    if (!('pending' in guard)) return;
    note.app = guard.pending.app.appKey;
    note.ip = guard.pending.ip ?? undefined;
  }

  /** A GraphQL POST: its body read within the limit, checked, guarded, then the fast path or yoga's HTTP layer. */
  async function graphqlPost(post: GraphQLPost, read: (limit: number) => Promise<Uint8Array<ArrayBuffer>>, note: AccessNote): Promise<GraphQLAnswer | Response> {
    let body: Uint8Array<ArrayBuffer>;
    let text: string;
    try {
      body = await read(rt.config.bodyLimit);
      text = decodeUtf8(body);
      // A POST's URL seldom has a query: parsed only when it has one.
      const search = post.url.includes('?') ? new URL(post.url).search.slice(1) : '';
      // Awaited only for a multipart body: every other is checked at once.
      const form = checkGraphQLDepth(search, post.headers.get('content-type') ?? '', body, text);
      if (form) await form;
    } catch (err) {
      if (err instanceof ProtocolError) return graphqlRefusal(err);
      throw err;
    }
    // x-sign covers every byte of the body, a byte order mark the decoding dropped included.
    const guard = await guardRequest(rt, post.headers, rawText(body, text), post.remoteAddress, 'POST');
    noteGuard(note, guard);
    const fast = await fastGraphQL(graphql, post, text, { guard, note });
    if (fast) return fast;
    return yoga.fetch(new Request(post.url, { method: 'POST', headers: post.fetchHeaders(), body }), { guard, note });
  }

  /** Every other GraphQL request (GET for queries and the playground, OPTIONS): yoga's HTTP layer. */
  async function graphqlOther(request: Request, note: AccessNote, info: RequestInfo): Promise<Response> {
    const url = new URL(request.url);
    try {
      await checkGraphQLDepth(url.search.slice(1), request.headers.get('content-type') ?? '', null, '');
    } catch (err) {
      if (err instanceof ProtocolError) return responseOf(graphqlRefusal(err));
      throw err;
    }
    const guard = await guardRequest(rt, request.headers, url.search.slice(1), info.remoteAddress, request.method);
    noteGuard(note, guard);
    return yoga.fetch(request, { guard, note });
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

  /** The GraphQL face's answer to a fault (already logged under `errorId`). */
  function graphqlFault(errorId: string): GraphQLAnswer {
    const errors = [{ message: message('GRAPHQL_FAULT'), extensions: { code: 'INTERNAL_SERVER_ERROR', errorId } }];
    return { status: 500, headers: JSON_TYPE, body: JSON.stringify({ errors }) };
  }

  function fault(pathname: string, err: unknown): Response {
    const errorId = logFault(rt.log, err, 'request failed');
    return responseOf(pathname === GRAPHQL_PATH ? graphqlFault(errorId) : legacyFault(errorId));
  }

  /** Runs one face's answer with the server's last-resort answer around it, and records the call. */
  async function observed<T extends { readonly status: number }>(
    face: Face,
    method: string,
    pathname: string,
    note: AccessNote,
    run: () => Promise<T>,
    onFault: (errorId: string) => T,
  ): Promise<T> {
    const startedAt = performance.now();
    let answer: T;
    inFlight.enter();
    try {
      answer = await run();
    } catch (err) {
      answer = onFault(logFault(rt.log, err, 'request failed'));
    } finally {
      inFlight.leave();
    }
    recordCall(rt, face, method, pathname, answer.status, startedAt, note);
    return answer;
  }

  /** The legacy face, observed. */
  function legacyAnswer(request: LegacyRequest): Promise<LegacyAnswer> {
    const note = newNote();
    return observed('legacy', request.method, request.pathname, note, () => legacy(request, note), legacyFault);
  }

  /** A GraphQL POST, observed. */
  function graphqlAnswer(post: GraphQLPost, read: (limit: number) => Promise<Uint8Array<ArrayBuffer>>): Promise<GraphQLAnswer | Response> {
    const note = newNote(post.headers.get('x-app-key') ?? undefined);
    return observed<GraphQLAnswer | Response>('graphql', 'POST', GRAPHQL_PATH, note, () => graphqlPost(post, read, note), graphqlFault);
  }

  return {
    yoga,
    fault,
    legacy: options.onRequest ? null : legacyAnswer,
    graphqlPost: options.onRequest ? null : graphqlAnswer,
    servesFile: (pathname) => files.serves(pathname) || DOWNLOAD_PATH.test(pathname),
    drained: () => inFlight.drained(),
    async fetch(request, info) {
      const startedAt = performance.now();
      const note = newNote();
      let pathname = '/';
      let response: Response;
      inFlight.enter();
      try {
        pathname = new URL(request.url).pathname;
        await options.onRequest?.(request);
        if (pathname === METRICS_PATH && metricsServed(rt)) return await metricsResponse(rt, request);
        if (DOWNLOAD_PATH.test(pathname)) return await downloadResponse(rt.config, request);
        const file = files.serves(pathname);
        if (pathname !== GRAPHQL_PATH && pathname !== HEALTH_PATH && !file) return responseOf(await legacyAnswer(legacyRequestOf(request, info)));
        if (pathname === GRAPHQL_PATH && request.method === 'POST') {
          const post: GraphQLPost = { url: request.url, headers: request.headers, remoteAddress: info?.remoteAddress, fetchHeaders: () => request.headers };
          return asResponse(await graphqlAnswer(post, (limit) => readBody(request, limit)));
        }
        if (pathname === GRAPHQL_PATH) {
          note.app = request.headers.get('x-app-key') ?? undefined;
          response = await graphqlOther(request, note, info ?? {});
        } else if (file) response = await files.answer(request, pathname);
        else response = await health();
      } catch (err) {
        response = fault(pathname, err);
      } finally {
        inFlight.leave();
      }
      if (pathname === GRAPHQL_PATH) recordCall(rt, 'graphql', request.method, pathname, response.status, startedAt, note);
      else if (rt.config.accessLog) logAccess(rt.log, request.method, pathname, response.status, startedAt, note);
      return response;
    },
  };
}

/** Serves `server` on host:port; resolves once listening. */
export function listen(server: YesgraphServer, host: string, port: number, options: ListenOptions = {}): Promise<Server> {
  const bridge = nodeListener(
    (request, info) => server.fetch(request, info),
    (pathname, err) => server.fault(pathname, err),
  );
  const { legacy, graphqlPost } = server;
  // Answers are never rejections (each face answers every fault); a failure to write one is.
  const listener: RequestListener = (req, res) => {
    const target = targetOf(req);
    const face = target && directFace(server, target.pathname, req.method);
    if (face === 'graphql' && graphqlPost) {
      graphqlPost(graphqlPostFromNode(req), (limit) => readNodeBody(req, limit))
        .then((answer) => (isAnswer(answer) ? writeAnswer(req, res, answer) : writeResponse(req, res, answer)))
        .catch(() => res.destroy());
    } else if (face === 'legacy' && legacy && target) {
      legacy(legacyRequestFromNode(req, target))
        .then((answer) => writeAnswer(req, res, answer))
        .catch(() => res.destroy());
    } else bridge(req, res);
  };
  return listenHttp(listener, host, port, { ...options, route: legacy && graphqlPost ? leanRoute(server, legacy, graphqlPost) : undefined });
}

/**
 * The face that answers a request straight from the socket, without the Fetch API: the legacy
 * face on its paths, the GraphQL face for a POST to its path; null for the Fetch bridge
 * (/healthz, /metrics, files, every other GraphQL request, or a face that must go through `fetch`).
 */
function directFace(server: YesgraphServer, pathname: string, method: string | undefined): 'legacy' | 'graphql' | null {
  if (pathname === HEALTH_PATH || pathname === METRICS_PATH || server.servesFile?.(pathname)) return null;
  if (pathname !== GRAPHQL_PATH) return server.legacy ? 'legacy' : null;
  return server.graphqlPost && method === 'POST' ? 'graphql' : null;
}

/**
 * What the lean front answers itself (src/http/lean-front.ts): what node's listener answers
 * without the Fetch API, the GraphQL POSTs only when the fast path may take them (JSON, from no
 * browser origin). node's server serves the connection from any other request on.
 */
function leanRoute(server: YesgraphServer, legacy: NonNullable<YesgraphServer['legacy']>, graphqlPost: NonNullable<YesgraphServer['graphqlPost']>): LeanRoute {
  return (head) => {
    const face = directFace(server, head.target.pathname, head.method);
    if (face === 'legacy') return (request) => legacy(leanLegacyRequest(request));
    if (face !== 'graphql' || !fastEligible({ get: (name) => head.headers[name] ?? null })) return null;
    return (request) => {
      const { post, read } = leanGraphQLPost(request);
      return graphqlPost(post, read);
    };
  };
}
