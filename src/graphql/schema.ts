/** The whole GraphQL schema: importing a type file registers its types and fields. */
import { isObjectType, lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
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

/**
 * Exposed fields (`t.exposeString('name')` and the like, no plugin around them) lose their
 * resolver, so that they are read as properties of the parent: graphql-jit then compiles a
 * property read instead of a resolver call per field and row, and graphql-js reads the property
 * with its default resolver, as Pothos' own resolver did. Such a read runs outside graphql-jit's
 * error handling: an exposed property must be a plain read that cannot throw (a throw there
 * leaves the request unanswered); anything that can fail keeps a resolver.
 */
function readExposedAsProperties(built: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(built.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const ext = field.extensions as { pothosExposedField?: string; pothosResolveWrapped?: boolean };
      if (ext.pothosExposedField === field.name && !ext.pothosResolveWrapped) field.resolve = undefined;
    }
  }
  return built;
}

export function getSchema(): GraphQLSchema {
  schema ??= readExposedAsProperties(builder.toSchema());
  return schema;
}

/** The SDL checked in as schema.graphql: sorted, so it diffs cleanly. */
export function printSortedSchema(): string {
  return printSchema(lexicographicSortSchema(getSchema())) + '\n';
}
