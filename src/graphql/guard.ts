/**
 * The app guard on the GraphQL face. A caller presents its app the same way it would on the
 * legacy face, in headers:
 *   x-app-key  the app_key
 *   x-sign     dynamic mode: upper-case md5(raw payload + app_secret), where the payload is
 *              the raw POST body, or for GET the raw query string after `?`;
 *              static mode: the app's static signature; off: not needed
 *   x-uuid, x-token  a signed-in member (optional, together)
 */
import { GraphQLError, Kind, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { GRAPHQL_CODE, ProtocolError } from '../errors.js';
import { appKeyOf } from '../guards/app.js';
import { sessionOf } from '../guards/member.js';
import { checkPayloadSign } from '../guards/sign.js';
import type { Runtime } from '../runtime.js';
import type { GraphQLContext } from './context.js';

export async function guardRequest(rt: Runtime, headers: Headers, payload: string): Promise<GraphQLContext['guard']> {
  try {
    // The parameter rules of app_key, uuid and token come first, before any lookup.
    appKeyOf(headers.get('x-app-key'));
    sessionOf(headers.get('x-uuid'), headers.get('x-token'));
    const app = await rt.apps.check(headers.get('x-app-key'));
    checkPayloadSign(app, payload, headers.get('x-sign'));
    const member = await rt.members.check(app, headers.get('x-uuid'), headers.get('x-token'));
    return { op: rt.context(app, member) };
  } catch (err) {
    if (err instanceof ProtocolError) return { error: err };
    throw err;
  }
}

export function protocolGraphQLError(err: ProtocolError): GraphQLError {
  return new GraphQLError(err.message, { extensions: { code: GRAPHQL_CODE[err.ret], ret: err.ret } });
}

/** True when every root field of the operation is introspection (`__schema`, `__type`, `__typename`). */
function onlyIntrospection(document: DocumentNode, operationName?: string | null): boolean {
  const ops = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const op = operationName ? ops.find((o) => o.name?.value === operationName) : ops[0];
  if (!op) return false;
  return op.selectionSet.selections.every((s) => s.kind === Kind.FIELD && s.name.value.startsWith('__'));
}

/** Refuses any non-introspection operation of a caller the guard refused. */
export function useAppGuard(): Plugin<GraphQLContext> {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const guard = (args.contextValue as GraphQLContext).guard;
      if (!('error' in guard) || onlyIntrospection(args.document, args.operationName)) return;
      setResultAndStopExecution({ errors: [protocolGraphQLError(guard.error)] });
    },
  };
}
