/**
 * The common GraphQL request — a POST of `{"query", "variables", "operationName"}` that accepts
 * JSON, from no browser origin, not a subscription — executed through yoga's own parameter
 * handling (its plugins: caches, validation, guard, masking) and its own result processing, but
 * without its HTTP layer or any Fetch object, which cost more than running a small query. Every
 * other request goes through `yoga.fetch` unchanged.
 */
import { processRegularResult, type GraphQLParams } from 'graphql-yoga';
import type { GraphQLAnswer, GraphQLPost, HeaderReader } from './post.js';
import type { GraphQLFace, ServerContext } from './yoga.js';

const JSON_ACCEPT = /^\s*(\*\/\*|application\/json)\s*(;[^,]*)?$/i;
const JSON_TYPE = /^application\/json\s*(;|$)/i;

function plainParams(text: string): GraphQLParams | null {
  let params: unknown;
  try {
    params = JSON.parse(text);
  } catch {
    return null;
  }
  if (params === null || typeof params !== 'object' || Array.isArray(params)) return null;
  const { query, variables, operationName, extensions, ...rest } = params as Record<string, unknown>;
  if (typeof query !== 'string' || Object.keys(rest).length > 0) return null;
  if (variables != null && (typeof variables !== 'object' || Array.isArray(variables))) return null;
  if (operationName != null && typeof operationName !== 'string') return null;
  if (extensions != null && (typeof extensions !== 'object' || Array.isArray(extensions))) return null;
  // A subscription streams: yoga's HTTP layer serves it.
  if (/\bsubscription\b/.test(query)) return null;
  return params as GraphQLParams;
}

/** True when the headers alone allow the fast path (the body decides the rest). */
export function fastEligible(headers: HeaderReader): boolean {
  const accept = headers.get('accept');
  if ((accept && !JSON_ACCEPT.test(accept)) || headers.get('origin') !== null) return false;
  return JSON_TYPE.test(headers.get('content-type') ?? '');
}

/**
 * What yoga's plugins see as the request: its method, URL and headers, the headers built only
 * when a plugin asks for them (none of yesgraph's does on this path).
 */
function requestView(post: GraphQLPost): Request {
  let built: Headers | undefined;
  return {
    method: 'POST',
    url: post.url,
    get headers() {
      built ??= post.fetchHeaders();
      return built;
    },
  } as Request;
}

/** Captures what yoga's result processor would put in a Response, without making one. */
class AnswerCapture {
  readonly status: number;
  readonly headers: Record<string, string>;
  constructor(
    readonly body: string,
    init: { status?: number; headers?: Record<string, string> },
  ) {
    this.status = init.status ?? 200;
    this.headers = {};
    for (const [name, value] of Object.entries(init.headers ?? {})) this.headers[name.toLowerCase()] = value;
  }
}

/**
 * The answer, or null when the request is not the common kind. A document run before comes from
 * the prepared operations (src/graphql/prepared.ts); any other goes through yoga's plugins.
 */
export async function fastGraphQL(face: GraphQLFace, post: GraphQLPost, text: string, context: ServerContext): Promise<GraphQLAnswer | null> {
  if (!fastEligible(post.headers)) return null;
  const params = plainParams(text);
  if (!params) return null;
  const result = (await face.prepared.run(params, context)) ?? (await face.yoga.getResultForParams({ params, request: requestView(post) }, context));
  if (!result) return null;
  const answer = await processRegularResult(result, { Response: AnswerCapture } as never, 'application/json');
  return answer as unknown as GraphQLAnswer;
}
