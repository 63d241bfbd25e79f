/**
 * Prepared operations: a document that yoga has parsed, validated (with every limit) and run, and
 * graphql-jit has compiled, kept under its text and operation name. A later request sending the
 * same text runs straight from here: the app's trusted-document rule, the guard's entry, the
 * compiled query, the error masking and the operation's note, each as the plugins of
 * src/graphql/yoga.ts do it, without yoga's parameter pipeline, which costs more than running a
 * small operation. Validation depends only on the document, the schema and the server's
 * configuration, so a document that passed once passes again.
 *
 * Only documents seen twice get here (graphql-jit compiles on the second run), at most
 * MAX_PREPARED of them, the oldest learned dropped first. Subscriptions are never prepared.
 */
import { getOperationAST, type DocumentNode, type ExecutionResult, type GraphQLError, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import type { CompiledQuery } from 'graphql-jit';
import type { GraphQLParams } from 'graphql-yoga';
import { ProtocolError } from '../errors.js';
import type { Calls } from '../guards/chain.js';
import type { AccessNote, OperationNote } from '../http/access-log.js';
import type { Member } from '../records/sessions.js';
import type { GraphQLContext } from './context.js';
import { callsOf, protocolGraphQLError } from './guard.js';
import type { TrustedDocuments } from './hardening-trusted.js';
import { runCompiled } from './jit.js';
import type { MaskError } from './masking.js';
import { describeOperation, retOf } from './operation-notes.js';

export const MAX_PREPARED = 1_000;

interface Prepared {
  readonly document: DocumentNode;
  readonly operation: OperationDefinitionNode;
  readonly schema: GraphQLSchema;
  readonly query: CompiledQuery;
  readonly calls: Calls;
  readonly note: Pick<OperationNote, 'service' | 'label'>;
}

/** What the server hands a GraphQL request: the guard's verdict and the request's note. */
interface RequestContext {
  readonly guard: GraphQLContext['guard'];
  readonly note?: AccessNote;
}

const keyOf = (text: string, operationName: string | null | undefined) => `${operationName ?? ''}\n${text}`;

export class PreparedOperations {
  private readonly byKey = new Map<string, Prepared>();

  constructor(
    private readonly trusted: TrustedDocuments,
    private readonly mask: MaskError,
  ) {}

  /** Keeps a document that yoga's pipeline admitted and graphql-jit compiled (src/graphql/jit.ts calls it). */
  learn(text: string, operationName: string | null | undefined, schema: GraphQLSchema, document: DocumentNode, query: CompiledQuery): void {
    const key = keyOf(text, operationName);
    if (this.byKey.has(key)) return;
    const op = getOperationAST(document, operationName);
    if (!op || op.operation === 'subscription') return;
    if (this.byKey.size >= MAX_PREPARED) this.byKey.delete(this.byKey.keys().next().value!);
    this.byKey.set(key, { document, operation: op, schema, query, calls: callsOf(schema, document, operationName), note: describeOperation(document, op) });
  }

  /**
   * The result of a request whose document is prepared; null when it is not, or when the caller
   * needs yoga's own path (a refused caller, an app that runs trusted documents only).
   */
  async run(params: GraphQLParams, context: RequestContext): Promise<ExecutionResult | null> {
    const plan = typeof params.query === 'string' ? this.byKey.get(keyOf(params.query, params.operationName)) : undefined;
    const guard = context.guard;
    if (!plan || !('pending' in guard)) return null;
    if ((await this.trusted.of(guard.pending.app)) !== null) return null;
    const entry: OperationNote = { ...plan.note, ret: 500 };
    if (context.note) (context.note.operations ??= []).push(entry);
    let result: ExecutionResult;
    let member: Member | null = null;
    try {
      const op = await guard.pending.enter(plan.calls);
      member = op.member;
      result = await runCompiled(plan.query, plan.schema, plan.document, plan.operation, undefined, { guard: { op } } satisfies GraphQLContext, params.variables);
    } catch (err) {
      // A refusal of the guard's, or a fault: masked (logged under an error id) as yoga masks a throw.
      result = { errors: [err instanceof ProtocolError ? protocolGraphQLError(err) : (this.mask(err) as GraphQLError)] };
    }
    if (result.errors?.length) result = { ...result, errors: result.errors.map((e) => this.mask(e) as GraphQLError) };
    entry.ret = retOf(result);
    if (member) entry.member = member.uuid;
    return result;
  }
}
