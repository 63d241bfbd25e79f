/**
 * GraphQL limits beyond depth and aliases (src/graphql/yoga.ts): a static cost per operation
 * (GRAPHQL_MAX_COST: objects 2, scalars 1, each level ×1.5, introspection free) and a cap on the
 * operations of a batched request (GRAPHQL_MAX_BATCH; yoga's `batching` takes the same limit).
 * Both are refusals with `code` and `ret` like every other, before anything runs.
 */
import { costLimitPlugin } from '@escape.tech/graphql-armor-cost-limit';
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { refuse } from '../errors.js';
import type { Config } from '../config.js';
import { protocolGraphQLError } from './guard.js';

/** Refuses an operation whose cost exceeds `max`, as a validation error (useValidationPolicy adds code and ret). */
export function useCostLimit(max: number): Plugin {
  return costLimitPlugin({
    maxCost: max,
    flattenFragments: true,
    ignoreIntrospection: true,
    propagateOnRejection: false,
    onReject: [(ctx) => ctx?.reportError(protocolGraphQLError(refuse('GRAPHQL_COST_TOO_HIGH', { max })))],
  }) as Plugin;
}

/** Refuses a batch (a JSON array of operations) that is empty or longer than `max`, before any operation is read. */
export function useBatchCap(max: number): Plugin {
  return {
    onRequestParse() {
      return {
        onRequestParseDone({ requestParserResult }) {
          if (!Array.isArray(requestParserResult) || (requestParserResult.length >= 1 && requestParserResult.length <= max)) return;
          const e = protocolGraphQLError(refuse('GRAPHQL_BATCH_TOO_LARGE', { max }));
          throw new GraphQLError(e.message, { extensions: { ...e.extensions, http: { status: 400 } } });
        },
      };
    },
  };
}

export function hardeningPlugins(config: Pick<Config, 'graphqlMaxCost' | 'graphqlMaxBatch'>): Plugin[] {
  return [useCostLimit(config.graphqlMaxCost), useBatchCap(config.graphqlMaxBatch)];
}
