/**
 * The guard chain (src/guards/chain.ts) on the GraphQL face. A caller presents its app the same
 * way it would on the legacy face, in headers:
 *   x-app-key  the app_key
 *   x-sign     dynamic mode: upper-case md5(raw payload + app_secret), where the payload is
 *              the raw POST body, or for GET the raw query string after `?`;
 *              static mode: the app's static signature; off: not needed
 *   x-uuid, x-token  a signed-in member (optional, together)
 * and, for an app with a replay window, `extensions.time` (unix seconds) and optionally
 * `extensions.nonce` in the signed payload (docs/PROTOCOL.md §9.3).
 *
 * The request is admitted once (rules, IP lists, app, signature, replay window: guardRequest);
 * each operation it carries (one, or each of a batch) then enters on its own (service switch,
 * rate, quota, member session: useAppGuard), so a batch counts once per operation.
 */
import { GraphQLError, Kind, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { withoutBom } from '../body.js';
import { GRAPHQL_CODE, ProtocolError } from '../errors.js';
import type { Calls } from '../guards/chain.js';
import { checkPayloadSign } from '../guards/sign.js';
import type { Runtime } from '../runtime.js';
import type { GraphQLContext } from './context.js';
import type { HeaderReader } from './post.js';
import { documentFragments, fieldsOf } from './selections.js';

/** What the signed payload says for the replay window: `extensions.time` and the signature. */
function signedTime(payload: string, isGet: boolean): string | undefined {
  let extensions: unknown;
  try {
    if (isGet) {
      const text = new URLSearchParams(payload).get('extensions');
      extensions = text === null ? undefined : JSON.parse(text);
    } else {
      // The payload keeps a body's byte order mark (it is signed); its JSON is read without it.
      const body: unknown = JSON.parse(withoutBom(payload));
      // A batch carries them in its first operation.
      extensions = (Array.isArray(body) ? body[0] : body)?.extensions;
    }
  } catch {
    return undefined;
  }
  const time = (extensions as { time?: unknown } | null | undefined)?.time;
  if (time === undefined || time === null) return undefined;
  return typeof time === 'string' ? time : JSON.stringify(time);
}

/**
 * The caller of a GraphQL request, admitted or refused. `payload` is what x-sign covers (the raw
 * body, or the raw query string of a GET); `remoteAddress` the socket's address.
 */
export async function guardRequest(
  rt: Runtime,
  headers: HeaderReader,
  payload: string,
  remoteAddress?: string,
  method = 'POST',
): Promise<GraphQLContext['guard']> {
  try {
    const caller = rt.guards.rules({ appKey: headers.get('x-app-key'), uuid: headers.get('x-uuid'), token: headers.get('x-token') });
    const admitted = await rt.guards.admit(caller, {
      ip: rt.guards.clientIp(remoteAddress, headers.get('x-forwarded-for')),
      verify: (app) => checkPayloadSign(app, payload, headers.get('x-sign')),
      replay: () => ({ name: 'extensions.time', time: signedTime(payload, method === 'GET'), signature: headers.get('x-sign') }),
    });
    return {
      pending: {
        app: admitted.app,
        ip: admitted.ip,
        enter: async (calls) => rt.context(admitted.app, await rt.guards.enter(admitted, calls)),
      },
    };
  } catch (err) {
    if (err instanceof ProtocolError) return { error: err };
    throw err;
  }
}

export function protocolGraphQLError(err: ProtocolError): GraphQLError {
  return new GraphQLError(err.message, { extensions: { code: GRAPHQL_CODE[err.ret], ret: err.ret } });
}

function operationOf(document: DocumentNode, operationName?: string | null): OperationDefinitionNode | undefined {
  const ops = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  return operationName ? ops.find((o) => o.name?.value === operationName) : ops[0];
}

/** The root field names of a selection set, through inline fragments and fragment spreads. */
function rootFieldNames(document: DocumentNode, set: SelectionSetNode): string[] {
  return fieldsOf(documentFragments(document), set).map((f) => f.name.value);
}

/** True when every root field of the operation is introspection (`__schema`, `__type`, `__typename`). */
function onlyIntrospection(document: DocumentNode, operationName?: string | null): boolean {
  const op = operationOf(document, operationName);
  return !!op && rootFieldNames(document, op.selectionSet).every((name) => name.startsWith('__'));
}

/**
 * The legacy service a root field is: the one its description starts with (`App.Hello.World:
 * greets the caller.`), the schema's one statement of it. Null for a field that is no service.
 */
const SERVICE_OF_DESCRIPTION = /^(App\.[A-Za-z0-9_]+\.[A-Za-z0-9_]+)\b/;
const servicesBySchema = new WeakMap<GraphQLSchema, Map<string, string | null>>();

function serviceOf(schema: GraphQLSchema, operation: OperationDefinitionNode['operation'], field: string): string | null {
  let known = servicesBySchema.get(schema);
  if (!known) servicesBySchema.set(schema, (known = new Map()));
  const key = `${operation} ${field}`;
  let service = known.get(key);
  if (service === undefined) {
    const root = operation === 'query' ? schema.getQueryType() : operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
    service = SERVICE_OF_DESCRIPTION.exec(root?.getFields()[field]?.description ?? '')?.[1] ?? null;
    known.set(key, service);
  }
  return service;
}

/**
 * The calls an operation makes: one per root field (aliases count, as each is a call), each the
 * service it is or null; introspection fields are free.
 */
export function callsOf(schema: GraphQLSchema, document: DocumentNode, operationName?: string | null): Calls {
  const op = operationOf(document, operationName);
  if (!op) return [];
  return rootFieldNames(document, op.selectionSet)
    .filter((name) => !name.startsWith('__'))
    .map((name) => serviceOf(schema, op.operation, name));
}

/**
 * Each operation enters the chain before it runs (service switch, rate, quota, member); a caller
 * the request guard refused gets its refusal, except for an introspection-only operation.
 */
export function useAppGuard(): Plugin<GraphQLContext> {
  return {
    async onExecute({ args, setResultAndStopExecution, extendContext }) {
      const guard = (args.contextValue as GraphQLContext).guard;
      if ('op' in guard) return;
      if ('error' in guard) {
        if (!onlyIntrospection(args.document, args.operationName)) setResultAndStopExecution({ errors: [protocolGraphQLError(guard.error)] });
        return;
      }
      try {
        const op = await guard.pending.enter(callsOf(args.schema, args.document, args.operationName));
        extendContext({ guard: { op } });
      } catch (err) {
        if (!(err instanceof ProtocolError)) throw err;
        setResultAndStopExecution({ errors: [protocolGraphQLError(err)] });
      }
    },
  };
}
