/**
 * Compiled execution (graphql-jit) for the documents a server runs again and again. A document is
 * compiled on its second execution, not its first: compiling costs far more than validating, and
 * a caller sending ever-new documents must not make the server compile each. Compiled queries are
 * kept with the parsed document (yoga's parse cache bounds how many there are). Subscriptions, and
 * any document graphql-jit declines, run through the ordinary executor.
 */
import { getOperationAST, getVariableValues, GraphQLError, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode, type ExecutionArgs, type ExecutionResult, type Source, type SourceLocation } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import type { GraphQLParams, Plugin } from 'graphql-yoga';

interface Compiled {
  runs: number;
  /** Per operation name ('' for the only one); null where graphql-jit declined. */
  readonly queries: Map<string, CompiledQuery | null>;
}

/** The offset in `source` of a line and column (both from 1), as graphql-js positions count. */
function offsetOf(source: Source, at: SourceLocation): number {
  const body = source.body;
  let offset = 0;
  for (let line = 1; line < at.line; line++) {
    const next = body.slice(offset).search(/\r\n|\n|\r/);
    if (next < 0) break;
    offset += next + (body.startsWith('\r\n', offset + next) ? 2 : 1);
  }
  return offset + at.column - 1;
}

/**
 * graphql-jit's errors carry locations but no nodes, which the error formatting after execution
 * drops: give them the document's source and positions, as the ordinary executor's have.
 */
function placed(result: ExecutionResult, document: DocumentNode): ExecutionResult {
  const source = document.loc?.source;
  if (!result.errors?.length || !source) return result;
  const errors = result.errors.map((err) =>
    err.nodes || !err.locations
      ? err
      : new GraphQLError(err.message, {
          source,
          positions: err.locations.map((at) => offsetOf(source, at)),
          path: err.path,
          originalError: err.originalError,
          extensions: err.extensions,
        }),
  );
  return { ...result, errors };
}

/** Told of each document compiled and run, with the text it was parsed from (src/graphql/prepared.ts keeps them). */
export type OnCompiled = (text: string, operationName: string | null | undefined, schema: GraphQLSchema, document: DocumentNode, query: CompiledQuery) => void;

/**
 * A compiled query's result, as graphql-js would give it: errors placed in the document, and a
 * variable refused in the words, shape and status of yoga's executor (no `data`, HTTP 400):
 * graphql-jit words such refusals otherwise and answers them with `data: null` and a 200.
 */
export async function runCompiled(
  query: CompiledQuery,
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  root: unknown,
  context: unknown,
  variables: Record<string, unknown> | null | undefined,
): Promise<ExecutionResult> {
  const result = placed(await query.query(root, context, variables), document);
  if (!result.errors?.length || result.data != null || !operation.variableDefinitions?.length) return result;
  const coerced = getVariableValues(schema, operation.variableDefinitions, variables ?? {}, { maxErrors: 50 });
  if (!coerced.errors) return result;
  // Marked as yoga's executor marks the refusals it makes before running anything: a 400.
  for (const e of coerced.errors) Object.defineProperty(e, 'extensions', { value: { ...e.extensions, http: { ...(e.extensions.http as object | undefined), status: 400 } } });
  return { errors: coerced.errors };
}

export function useCompiledExecution(onCompiled?: OnCompiled): Plugin {
  const compiled = new WeakMap<DocumentNode, Compiled>();
  return {
    onExecute({ args, setExecuteFn }) {
      let entry = compiled.get(args.document);
      if (!entry) compiled.set(args.document, (entry = { runs: 0, queries: new Map() }));
      if (++entry.runs < 2) return;
      const name = args.operationName ?? '';
      let query = entry.queries.get(name);
      if (query === undefined) {
        const result = compileQuery(args.schema, args.document, args.operationName ?? undefined);
        query = isCompiledQuery(result) ? result : null;
        entry.queries.set(name, query);
      }
      if (!query) return;
      const text = (args.contextValue as { params?: GraphQLParams }).params?.query;
      if (typeof text === 'string') onCompiled?.(text, args.operationName, args.schema, args.document, query);
      const run = query;
      const operation = getOperationAST(args.document, args.operationName);
      if (!operation) return;
      setExecuteFn((a: ExecutionArgs) => runCompiled(run, a.schema, a.document, operation, a.rootValue, a.contextValue, a.variableValues));
    },
  };
}
