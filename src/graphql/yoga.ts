/**
 * The GraphQL face: graphql-yoga over the Pothos schema, with the app guard, depth and alias
 * limits, and masked unexpected errors (logged with an id that the client receives).
 */
import { randomUUID } from 'node:crypto';
import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { GraphQLError } from 'graphql';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import { protocolErrorOf } from '../errors.js';
import type { Runtime } from '../runtime.js';
import type { GraphQLContext } from './context.js';
import { protocolGraphQLError, useAppGuard } from './guard.js';
import { getSchema } from './schema.js';

export interface ServerContext {
  readonly guard: GraphQLContext['guard'];
}

export type Yoga = YogaServerInstance<ServerContext, GraphQLContext>;

export function createGraphQL(rt: Runtime, options: { graphiqlHeaders?: Record<string, string> } = {}): Yoga {
  return createYoga<ServerContext, GraphQLContext>({
    schema: getSchema(),
    graphqlEndpoint: '/graphql',
    landingPage: false,
    graphiql: rt.config.production
      ? false
      : {
          title: 'yesgraph',
          headers: JSON.stringify(options.graphiqlHeaders ?? { 'x-app-key': '<your app_key>' }, null, 2),
          defaultQuery: '{\n  hello(name: "yesgraph")\n}\n',
        },
    logging: {
      debug: (...args) => rt.log.debug({ args }, 'yoga'),
      info: (...args) => rt.log.info({ args }, 'yoga'),
      warn: (...args) => rt.log.warn({ args }, 'yoga'),
      error: (...args) => rt.log.error({ args }, 'yoga'),
    },
    context: ({ guard }) => ({ guard }),
    plugins: [
      maxDepthPlugin({ n: rt.config.graphqlMaxDepth, ignoreIntrospection: true, flattenFragments: true }),
      maxAliasesPlugin({ n: 30 }),
      useAppGuard(),
    ],
    maskedErrors: {
      maskError(error) {
        const original = error instanceof GraphQLError ? error.originalError : error;
        const refused = protocolErrorOf(original);
        if (refused) {
          const e = protocolGraphQLError(refused);
          if (!(error instanceof GraphQLError)) return e;
          return new GraphQLError(e.message, { extensions: e.extensions, path: error.path, nodes: error.nodes });
        }
        if (error instanceof GraphQLError && (!original || original instanceof GraphQLError)) return error;
        const errorId = randomUUID();
        rt.log.error({ err: original ?? error, errorId }, 'graphql resolver failed');
        return new GraphQLError('Unexpected error.', {
          extensions: { code: 'INTERNAL_SERVER_ERROR', errorId },
          path: error instanceof GraphQLError ? error.path : undefined,
        });
      },
    },
  });
}
