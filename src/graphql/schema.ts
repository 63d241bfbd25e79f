/** The whole GraphQL schema: importing a type file registers its types and fields. */
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { builder } from './builder.js';
import './scalars.js';
import './business-error.js';
import './hello.js';
import './members.js';
import './databases.js';
import './tree.js';
import './transfer.js';
import './messages.js';
import './table.js';
import './tasks.js';

let schema: GraphQLSchema | undefined;

export function getSchema(): GraphQLSchema {
  schema ??= builder.toSchema();
  return schema;
}

/** The SDL checked in as schema.graphql: sorted, so it diffs cleanly. */
export function printSortedSchema(): string {
  return printSchema(lexicographicSortSchema(getSchema())) + '\n';
}
