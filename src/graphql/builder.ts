/** The Pothos schema builder: configuration only. Types live in one file each, beside it. */
import SchemaBuilder from '@pothos/core';
import ErrorsPlugin from '@pothos/plugin-errors';
import ValidationPlugin from '@pothos/plugin-validation';
import { badRequest } from '../errors.js';
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
    // Argument problems read like the legacy face's 400s and carry ret=400.
    validationError: (failure) =>
      badRequest(
        failure.issues
          .map((i) => `${(i.path ?? []).map((p) => (typeof p === 'object' ? String(p.key) : String(p))).join('.')}: ${i.message}`)
          .join('; '),
      ),
  },
});

builder.queryType({});
builder.mutationType({});
