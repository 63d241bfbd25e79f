/**
 * What a GraphQL error becomes before it leaves the server: a refusal keeps its legacy `ret` and
 * code; an expected GraphQL error (validation, variables) stays as it is; anything else is a
 * fault, logged with its cause under an error id that the client receives instead of the cause.
 * Yoga's masked errors use it, and so do prepared operations (src/graphql/prepared.ts).
 */
import { randomUUID } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { message } from '../errors.js';
import type { Logger } from '../logger.js';
import { refusalOf } from '../refusal.js';
import { protocolGraphQLError } from './guard.js';

export type MaskError = (error: unknown) => Error;

export function errorMasker(log: Logger): MaskError {
  return (error) => {
    const original = error instanceof GraphQLError ? error.originalError : error;
    const refused = refusalOf(original);
    if (refused) {
      const e = protocolGraphQLError(refused);
      if (!(error instanceof GraphQLError)) return e;
      return new GraphQLError(e.message, { extensions: e.extensions, path: error.path, nodes: error.nodes, source: error.source, positions: error.positions });
    }
    if (error instanceof GraphQLError && (!original || original instanceof GraphQLError)) return error;
    const errorId = randomUUID();
    log.error({ err: original ?? error, errorId }, 'graphql resolver failed');
    return new GraphQLError(message('GRAPHQL_FAULT'), {
      extensions: { code: 'INTERNAL_SERVER_ERROR', errorId },
      path: error instanceof GraphQLError ? error.path : undefined,
    });
  };
}
