/**
 * The GraphQL face: graphql-yoga over the Pothos schema, with the app guard, depth and alias
 * limits, and masked unexpected errors (logged with an id that the client receives).
 */
import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import { GraphQLError, NoSchemaIntrospectionCustomRule, type ValidationContext } from 'graphql';
import { createYoga, type GraphiQLOptions, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import { refuse } from '../errors.js';
import type { Playground } from '../http/playground.js';
import type { Runtime } from '../runtime.js';
import type { AccessNote } from '../http/access-log.js';
import type { GraphQLContext } from './context.js';
import { protocolGraphQLError, useAppGuard } from './guard.js';
import { hardeningPlugins } from './hardening.js';
import { useCompiledExecution } from './jit.js';
import { DOCUMENT_ID_PARAM, trustedDocuments, useTrustedDocuments } from './hardening-trusted.js';
import { errorMasker } from './masking.js';
import { PreparedOperations } from './prepared.js';
import { useOperationNotes } from './operation-notes.js';
import { getSchema } from './schema.js';

export interface ServerContext {
  readonly guard: GraphQLContext['guard'];
  /** The request's note, given one entry per operation (call log, metrics, access log). */
  readonly note?: AccessNote;
}

export type Yoga = YogaServerInstance<ServerContext, GraphQLContext>;

/**
 * Most tokens a document may have. It bounds parser work and, above all, its recursion: graphql-js
 * overflows the stack near 2,000 nested selection sets. The introspection query has about 200.
 */
export const MAX_DOCUMENT_TOKENS = 1_000;

/**
 * Every document the server refuses before running it (syntax, size, depth, aliases, unknown
 * fields, and introspection where it is off) carries `code` and `ret` like every other refusal.
 */
function useValidationPolicy(introspection: boolean): Plugin {
  const refusal = protocolGraphQLError(refuse('GRAPHQL_DOCUMENT_INVALID')).extensions;
  return {
    onParse() {
      return ({ result, replaceParseResult }) => {
        if (result instanceof GraphQLError) replaceParseResult(new GraphQLError(result.message, { source: result.source, positions: result.positions, extensions: { ...result.extensions, ...refusal } }));
      };
    },
    onValidate({ addValidationRule }) {
      if (!introspection) addValidationRule(NoSchemaIntrospectionCustomRule);
      return ({ valid, result, setResult }) => {
        if (valid) return;
        setResult(
          result.map(
            (e) =>
              new GraphQLError(e.message, {
                nodes: e.nodes,
                source: e.source,
                positions: e.positions,
                path: e.path,
                extensions: { ...e.extensions, ...refusal },
              }),
          ),
        );
      };
    },
  };
}

const reportRejections = {
  propagateOnRejection: false,
  onReject: [(ctx: ValidationContext | null, err: GraphQLError) => ctx?.reportError(err)],
};

/** The GraphQL face: yoga, and the documents it prepared for the fast path (src/graphql/fast-path.ts). */
export interface GraphQLFace {
  readonly yoga: Yoga;
  readonly prepared: PreparedOperations;
}

export function createGraphQL(rt: Runtime, options: { playground?: Playground | null } = {}): GraphQLFace {
  const playground = options.playground;
  const mask = errorMasker(rt.log);
  const trusted = trustedDocuments(rt);
  const prepared = new PreparedOperations(trusted, mask);
  const yoga = createYoga<ServerContext, GraphQLContext>({
    schema: getSchema(),
    graphqlEndpoint: '/graphql',
    landingPage: false,
    // A JSON array of operations; the cap is refused with code and ret by useBatchCap first.
    batching: { limit: rt.config.graphqlMaxBatch },
    // A trusted document's id (src/graphql/hardening-trusted.ts).
    extraParamNames: [DOCUMENT_ID_PARAM],
    // GraphiQL from the installed bundle, served by yesgraph itself; the page signs each request.
    // Headers typed into its editor are not kept in localStorage (they may hold a token).
    graphiql: playground ? { title: 'yesgraph', defaultQuery: '{\n  hello(name: "yesgraph")\n}\n', shouldPersistHeaders: false } : false,
    ...(playground ? { renderGraphiQL: (o: GraphiQLOptions) => playground.render(o) } : {}),
    logging: {
      debug: (...args) => rt.log.debug({ args }, 'yoga'),
      info: (...args) => rt.log.info({ args }, 'yoga'),
      warn: (...args) => rt.log.warn({ args }, 'yoga'),
      error: (...args) => rt.log.error({ args }, 'yoga'),
    },
    context: ({ guard }) => ({ guard }),
    plugins: [
      useOperationNotes(),
      // Reported as validation errors (not thrown), so useValidationPolicy gives them code and ret.
      maxDepthPlugin({ n: rt.config.graphqlMaxDepth, ignoreIntrospection: true, flattenFragments: true, ...reportRejections }),
      maxAliasesPlugin({ n: 30, ...reportRejections }),
      maxTokensPlugin({ n: MAX_DOCUMENT_TOKENS }),
      ...hardeningPlugins(rt.config),
      useTrustedDocuments(trusted),
      useValidationPolicy(rt.config.graphqlIntrospection),
      useAppGuard(),
      useCompiledExecution((...compiled) => prepared.learn(...compiled)),
    ],
    maskedErrors: { maskError: (error) => mask(error) },
  });
  return { yoga, prepared };
}
