/**
 * One fetch handler for everything: `/graphql` (GraphQL face), `/healthz`, and the legacy
 * paths. Tests call `server.fetch(request)` directly; `listen` wraps it in node:http.
 */
import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServerAdapter } from '@whatwg-node/server';
import { decodeUtf8, readBody } from './body.js';
import { ProtocolError } from './errors.js';
import { guardRequest, protocolGraphQLError } from './graphql/guard.js';
import { createGraphQL, type Yoga } from './graphql/yoga.js';
import { createLegacyHandler, isLegacyPath } from './legacy/handler.js';
import type { Runtime } from './runtime.js';

export interface YesgraphServer {
  fetch(request: Request): Promise<Response>;
  readonly yoga: Yoga;
}

export interface ServerOptions {
  /** Headers GraphiQL starts with (the demo app's key in development). */
  readonly graphiqlHeaders?: Record<string, string>;
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8' } });
}

export function createServer(rt: Runtime, options: ServerOptions = {}): YesgraphServer {
  const yoga = createGraphQL(rt, options);
  const legacy = createLegacyHandler(rt);

  async function graphql(request: Request): Promise<Response> {
    try {
      return await graphqlGuarded(request);
    } catch (err) {
      // The guard's own store lookups failed: masked like any unexpected error.
      const errorId = randomUUID();
      rt.log.error({ err, errorId }, 'graphql guard failed');
      return json(500, { errors: [{ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR', errorId } }] });
    }
  }

  async function graphqlGuarded(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (request.method !== 'POST') {
      return yoga.fetch(request, { guard: await guardRequest(rt, request.headers, url.search.slice(1)) });
    }
    let body: Uint8Array<ArrayBuffer>;
    try {
      body = await readBody(request, rt.config.bodyLimit);
      decodeUtf8(body);
    } catch (err) {
      if (err instanceof ProtocolError) return json(400, { errors: [protocolGraphQLError(err).toJSON()] });
      throw err;
    }
    const guard = await guardRequest(rt, request.headers, Buffer.from(body).toString('utf8'));
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

  return {
    yoga,
    async fetch(request) {
      const { pathname } = new URL(request.url);
      if (pathname === '/graphql') return graphql(request);
      if (pathname === '/healthz') return health();
      if (isLegacyPath(pathname)) return legacy(request);
      return json(404, { error: 'not found' });
    },
  };
}

/** Serves `server` on host:port; resolves once listening. */
export function listen(server: YesgraphServer, host: string, port: number): Promise<Server> {
  const adapter = createServerAdapter((request: Request) => server.fetch(request));
  const http = createHttpServer(adapter);
  return new Promise((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, host, () => {
      http.off('error', reject);
      resolve(http);
    });
  });
}
