/**
 * One AccessNote entry per GraphQL operation of a request (a batch has several), for the call
 * log and the metrics (src/http/call-record.ts): the operation as `query Thread` (an anonymous
 * one by its root fields, `query hello,me`), a metrics label bounded by the schema (`query
 * messages`, or `query (several)` for several root fields), and its ret: the refusal's, 500 for a
 * masked fault, else 200. A GraphQL business failure is a typed result, so no err_code is noted.
 */
import { getOperationAST, type DocumentNode, type ExecutionResult, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { operationNote, type AccessNote, type OperationNote } from '../http/access-log.js';
import type { GraphQLContext } from './context.js';
import { documentFragments, fieldsOf } from './selections.js';

/** What the server passes to yoga besides the guard: the note of the request. */
interface NotedContext {
  readonly note?: AccessNote;
  readonly guard?: GraphQLContext['guard'];
}

const NAME = /^[_A-Za-z][_0-9A-Za-z]{0,127}$/;

/** Root field names, through inline fragments and fragment spreads, `__typename` aside, each once. */
function rootFields(document: DocumentNode, set: SelectionSetNode): string[] {
  return [...new Set(fieldsOf(documentFragments(document), set).map((f) => f.name.value))].filter((name) => name !== '__typename');
}

/** The note's service and label for an operation of a document. */
export function describeOperation(document: DocumentNode, op: OperationDefinitionNode): Pick<OperationNote, 'service' | 'label'> {
  const fields = rootFields(document, op.selectionSet);
  return {
    service: `${op.operation} ${op.name?.value ?? fields.join(',')}`,
    label: `${op.operation} ${fields.length === 1 ? fields[0] : '(several)'}`,
  };
}

/** The ret an operation's result counts as: the refusal's, 500 for a masked fault, 400 for a request refused before it ran, else 200. */
export function retOf(result: ExecutionResult): number {
  const errors = result.errors ?? [];
  if (!errors.length) return 200;
  for (const e of errors) if (typeof e.extensions?.ret === 'number') return e.extensions.ret;
  if (errors.some((e) => e.extensions?.code === 'INTERNAL_SERVER_ERROR')) return 500;
  return result.data == null ? 400 : 200;
}

export function useOperationNotes(): Plugin<GraphQLContext, NotedContext> {
  const entries = new WeakMap<object, OperationNote>();
  return {
    onParams({ params, context }) {
      const note = context.note;
      if (!note) return;
      const guard = context.guard;
      const entry = operationNote(
        // The client's operationName until the document parses, and only when it is a name.
        typeof params.operationName === 'string' && NAME.test(params.operationName) ? params.operationName : null,
        'unknown',
        // Until a result says otherwise: the caller's refusal, or a request refused before it ran.
        guard && 'error' in guard ? guard.error.ret : 400,
      );
      (note.operations ??= []).push(entry);
      entries.set(context, entry);
    },
    onExecute({ args }) {
      const entry = entries.get(args.contextValue);
      const op = entry && getOperationAST(args.document, args.operationName);
      if (entry && op) Object.assign(entry, describeOperation(args.document, op));
    },
    onExecutionResult({ result, context }) {
      const entry = entries.get(context);
      if (!entry) return;
      if (result && !(Symbol.asyncIterator in result)) entry.ret = retOf(result);
      // The guard plugin admitted the operation with its member (src/graphql/guard.ts).
      const guard = (context as NotedContext).guard;
      if (guard && 'op' in guard && guard.op.member) entry.member = guard.op.member.uuid;
    },
  };
}
