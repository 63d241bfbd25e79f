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
import { operationNote, type AccessNote, type OperationNote } from '../http/access-log.js';
import type { Member } from '../records/sessions.js';
import type { GraphQLContext } from './context.js';
import { callsOf, protocolGraphQLError } from './guard.js';
import type { TrustedDocuments } from './hardening-trusted.js';
import { runCompiled } from './jit.js';
import type { MaskError } from './masking.js';
import { describeOperation, retOf } from './operation-notes.js';

export const MAX_PREPARED = 1_000;

interface Prepared {
  /** The operation name ('' for none) and the document text it is kept under. */
  readonly name: string;
  readonly text: string;
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

export class PreparedOperations {
  /** By operation name, then by text: a lookup hashes the request's own strings and joins none. */
  private readonly byName = new Map<string, Map<string, Prepared>>();
  /** Every plan, the oldest learned first. */
  private readonly learned = new Set<Prepared>();

  constructor(
    private readonly trusted: TrustedDocuments,
    private readonly mask: MaskError,
  ) {}

  /** Keeps a document that yoga's pipeline admitted and graphql-jit compiled (src/graphql/jit.ts calls it). */
  learn(text: string, operationName: string | null | undefined, schema: GraphQLSchema, document: DocumentNode, query: CompiledQuery): void {
    const name = operationName ?? '';
    if (this.byName.get(name)?.has(text)) return;
    const op = getOperationAST(document, operationName);
    if (!op || op.operation === 'subscription') return;
    if (this.learned.size >= MAX_PREPARED) this.forget(this.learned.values().next().value!);
    const plan: Prepared = { name, text, document, operation: op, schema, query, calls: callsOf(schema, document, operationName), note: describeOperation(document, op) };
    let texts = this.byName.get(name);
    if (!texts) this.byName.set(name, (texts = new Map()));
    texts.set(text, plan);
    this.learned.add(plan);
  }

  private forget(plan: Prepared): void {
    this.learned.delete(plan);
    const texts = this.byName.get(plan.name)!;
    texts.delete(plan.text);
    if (!texts.size) this.byName.delete(plan.name);
  }

  /**
   * The result of a request whose document is prepared; null when it is not, or when the caller
   * needs yoga's own path (a refused caller, an app that runs trusted documents only).
   */
  async run(params: GraphQLParams, context: RequestContext): Promise<ExecutionResult | null> {
    const plan = typeof params.query === 'string' ? this.byName.get(params.operationName ?? '')?.get(params.query) : undefined;
    const guard = context.guard;
    if (!plan || !('pending' in guard)) return null;
    const known = this.trusted.known(guard.pending.app);
    if ((known === undefined ? await this.trusted.of(guard.pending.app) : known) !== null) return null;
    const entry = operationNote(plan.note.service, plan.note.label, 500);
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
