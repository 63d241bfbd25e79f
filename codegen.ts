/**
 * Typed GraphQL documents for clients, generated from the checked-in schema.graphql:
 *   npm run codegen
 * Documents are the `graphql(…)` calls in test/graphql/documents.ts; the output goes to
 * test/generated/ (checked in; .ci/run fails when it drifts).
 * A frontend copies this file and points `documents` at its own sources.
 */
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: ['test/graphql/documents.ts'],
  ignoreNoDocuments: false,
  generates: {
    'test/generated/': {
      preset: 'client',
      config: {
        scalars: { JSON: 'unknown' },
        enumsAsTypes: true,
        useTypeImports: true,
        // NodeNext resolution needs explicit .js extensions in relative imports.
        importExtension: '.js',
      },
      presetConfig: { fragmentMasking: false },
    },
  },
};

export default config;
