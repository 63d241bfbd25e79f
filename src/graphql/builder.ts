/** The Pothos schema builder: configuration only. Types live in one file each, beside it. */
import SchemaBuilder from '@pothos/core';
import ErrorsPlugin from '@pothos/plugin-errors';
import ValidationPlugin from '@pothos/plugin-validation';
import { refusalOfIssue } from '../operations/input.js';
import type { GraphQLContext } from './context.js';

export const builder = new SchemaBuilder<{
  Context: GraphQLContext;
  Scalars: {
    JSON: { Input: unknown; Output: unknown };
  };
  DefaultFieldNullability: false;
}>({
  plugins: [ErrorsPlugin, ValidationPlugin],
  defaultFieldNullability: false,
  errors: { defaultTypes: [] },
  validation: {
    // Argument problems answer like the legacy face's parameter rules, with ret=400; the first one wins, as there.
    validationError: (failure, args) => refusalOfIssue(failure.issues[0]!, args),
  },
});

builder.queryType({});
builder.mutationType({});
