/**
 * The GraphQL context: the same OperationContext the legacy face builds, or the guard's refusal.
 * Introspection works without an app key (so GraphiQL can load the schema); any other root
 * field is refused by the guard plugin before a resolver runs.
 */
import type { ProtocolError } from '../errors.js';
import type { OperationContext } from '../operations/context.js';

export interface GraphQLContext {
  readonly guard: { readonly op: OperationContext } | { readonly error: ProtocolError };
}

/** The caller's OperationContext; throws the guard's refusal when there is none. */
export function opOf(ctx: GraphQLContext): OperationContext {
  if ('error' in ctx.guard) throw ctx.guard.error;
  return ctx.guard.op;
}
