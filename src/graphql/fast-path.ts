/**
 * The common GraphQL request — a POST of `{"query", "variables", "operationName"}` that accepts
 * JSON, from no browser origin, not a subscription — executed through yoga's own parameter
 * handling (its plugins: caches, validation, guard, masking) and its own result processing (a
 * result without errors serialized as that processing would, without it), but without its HTTP
 * layer or any Fetch object, which cost more than running a small query. Every other request goes
 * through `yoga.fetch` unchanged.
 */
import type { ExecutionResult } from 'graphql';
import { processRegularResult, type GraphQLParams } from 'graphql-yoga';
import { JSON_TYPE as JSON_ANSWER } from '../legacy/request.js';
import type { GraphQLAnswer, GraphQLPost, HeaderReader } from './post.js';
import type { GraphQLFace, ServerContext } from './yoga.js';

const JSON_ACCEPT = /^\s*(\*\/\*|application\/json)\s*(;[^,]*)?$/i;
const JSON_TYPE = /^application\/json\s*(;|$)/i;
/** The members a request's JSON may have; any other sends it through yoga's HTTP layer. */
const PARAM_NAMES = new Set(['query', 'variables', 'operationName', 'extensions']);
const SUBSCRIPTION = /\bsubscription\b/;

function plainParams(text: string): GraphQLParams | null {
  let params: unknown;
  try {
    params = JSON.parse(text);
  } catch {
    return null;
  }
  if (params === null || typeof params !== 'object' || Array.isArray(params)) return null;
  for (const name in params) if (!PARAM_NAMES.has(name)) return null;
  const { query, variables, operationName, extensions } = params as Record<string, unknown>;
  if (typeof query !== 'string') return null;
  if (variables != null && (typeof variables !== 'object' || Array.isArray(variables))) return null;
  if (operationName != null && typeof operationName !== 'string') return null;
  if (extensions != null && (typeof extensions !== 'object' || Array.isArray(extensions))) return null;
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

/** yoga's result processor's answer to a result (its statuses for errors, its 406 for a stream). */
async function answerOf(result: ExecutionResult | AsyncIterable<ExecutionResult>): Promise<GraphQLAnswer> {
  return (await processRegularResult(result, { Response: AnswerCapture } as never, 'application/json')) as unknown as GraphQLAnswer;
}

/**
 * The answer to a result without errors or HTTP extensions: the body and headers yoga's result
 * processor gives it (its JSON, status 200), without its error handling, which has nothing to do.
 */
function plainAnswer(result: ExecutionResult): GraphQLAnswer | null {
  if (result.errors?.length || (result.extensions as { http?: unknown } | undefined)?.http) return null;
  return { status: 200, headers: JSON_ANSWER, body: JSON.stringify(result) };
}

/**
 * The answer, or null when the request is not the common kind. A document run before comes from
 * the prepared operations (src/graphql/prepared.ts); any other goes through yoga's plugins.
 */
export async function fastGraphQL(face: GraphQLFace, post: GraphQLPost, text: string, context: ServerContext): Promise<GraphQLAnswer | null> {
  if (!fastEligible(post.headers)) return null;
  const params = plainParams(text);
  if (!params) return null;
  const prepared = await face.prepared.run(params, context);
  if (prepared) return plainAnswer(prepared) ?? answerOf(prepared);
  // A subscription streams: yoga's HTTP layer serves it (a prepared document is never one).
  if (SUBSCRIPTION.test(params.query!)) return null;
  const result = await face.yoga.getResultForParams({ params, request: requestView(post) }, context);
  if (!result) return null;
  return (Symbol.asyncIterator in result ? null : plainAnswer(result)) ?? answerOf(result);
}
