/**
 * The common GraphQL request — a POST of `{"query", "variables", "operationName"}` that accepts
 * JSON, from no browser origin, not a subscription — executed through yoga's own parameter
 * handling (its plugins: caches, validation, guard, masking) but without its HTTP layer, which
 * costs more than running a small query. Every other request goes through `yoga.fetch` unchanged.
 */
import { processRegularResult, type GraphQLParams } from 'graphql-yoga';
import type { Yoga, ServerContext } from './yoga.js';

const JSON_ACCEPT = /^\s*(\*\/\*|application\/json)\s*(;[^,]*)?$/i;

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

/** The answer, or null when the request is not the common kind. */
export async function fastGraphQL(yoga: Yoga, request: Request, text: string, context: ServerContext): Promise<Response | null> {
  const accept = request.headers.get('accept');
  if ((accept && !JSON_ACCEPT.test(accept)) || request.headers.has('origin')) return null;
  if (!/^application\/json\s*(;|$)/i.test(request.headers.get('content-type') ?? '')) return null;
  const params = plainParams(text);
  if (!params) return null;
  const result = await yoga.getResultForParams({ params, request }, context);
  if (!result) return null;
  return processRegularResult(result, { Response } as never, 'application/json');
}
