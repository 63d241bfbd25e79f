/**
 * A request the lean front read (lean-front.ts) as each face takes it: the legacy face's
 * LegacyRequest and the GraphQL face's POST, as legacy-node.ts and graphql-node.ts make them
 * from node's IncomingMessage.
 */
import { refuse } from '../errors.js';
import type { GraphQLPost, HeaderReader } from '../graphql/post.js';
import type { LegacyRequest } from '../legacy/request.js';
import { headersOf, urlOf } from './bridge.js';
import type { LeanRequest } from './lean-front.js';

function headerReader(request: LeanRequest): HeaderReader {
  const headers = request.head.headers;
  return { get: (name) => headers[name.toLowerCase()] ?? null };
}

/** The body within `limit`; past it, refused, and the answer closes the connection (as node's path does). */
function bodyWithin(request: LeanRequest, limit: number): Promise<Uint8Array<ArrayBuffer>> {
  if (request.body.byteLength > limit) {
    request.refusedBody = true;
    return Promise.reject(refuse('BODY_TOO_LARGE', { limit }));
  }
  return Promise.resolve(request.body as Buffer<ArrayBuffer>);
}

export function leanLegacyRequest(request: LeanRequest): LegacyRequest {
  const { head } = request;
  const reader = headerReader(request);
  return {
    method: head.method,
    pathname: head.target.pathname,
    query: head.target.query,
    remoteAddress: request.remoteAddress,
    header: (name) => reader.get(name),
    body: (limit) => bodyWithin(request, limit),
  };
}

export function leanGraphQLPost(request: LeanRequest): { post: GraphQLPost; read: (limit: number) => Promise<Uint8Array<ArrayBuffer>> } {
  const { head } = request;
  return {
    post: {
      url: urlOf(head.headers.host, head.url),
      remoteAddress: request.remoteAddress,
      headers: headerReader(request),
      fetchHeaders: () => headersOf(head.rawHeaders),
    },
    read: (limit) => bodyWithin(request, limit),
  };
}
