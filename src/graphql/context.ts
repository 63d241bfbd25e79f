/**
 * The GraphQL context: the same OperationContext the legacy face builds, or the guard's refusal.
 * A request the guards admitted arrives `pending`: each operation enters the rest of the chain
 * (service switch, rate, quota, member) in the guard plugin, which replaces it with `op` before
 * a resolver runs (src/graphql/guard.ts). Introspection works without an app key (so GraphiQL
 * can load the schema); any other root field of a refused caller is refused by the plugin.
 */
import type { ProtocolError } from '../errors.js';
import type { Calls } from '../guards/chain.js';
import type { OperationContext } from '../operations/context.js';
import type { App } from '../records/apps.js';

/** A request admitted by the guards, before its operations enter. */
export interface PendingCaller {
  readonly app: App;
  /** The client address the guards took (null: unknown). */
  readonly ip: string | null;
  /** Runs the per-call guards for an operation's calls; its context, or a ProtocolError. */
  enter(calls: Calls): Promise<OperationContext>;
}

export interface GraphQLContext {
  readonly guard: { readonly op: OperationContext } | { readonly error: ProtocolError } | { readonly pending: PendingCaller };
}

/** The caller's OperationContext; throws the guard's refusal when there is none. */
export function opOf(ctx: GraphQLContext): OperationContext {
  if ('error' in ctx.guard) throw ctx.guard.error;
  if ('pending' in ctx.guard) throw new Error('an operation ran before the app guard plugin admitted it');
  return ctx.guard.op;
}
