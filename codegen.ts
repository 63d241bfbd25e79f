/**
 * Typed GraphQL documents for clients, generated from the checked-in schema.graphql:
 *   npm run codegen
 * Two clients, each with its own documents and output (both checked in; .ci/run fails when they
 * drift):
 *   - the tests: the `graphql(…)` calls in test/graphql/documents.ts → test/generated/;
 *   - the example frontend: examples/comments-web/src/documents.ts → examples/comments-web/src/gql/,
 *     as plain strings (no GraphQL library in the page) with the list of the operations it
 *     publishes (persisted-documents.json, each with its sha256).
 * A frontend copies this file and points `documents` at its own sources.
 */
import type { CodegenConfig } from '@graphql-codegen/cli';

const shared = {
  scalars: { JSON: 'unknown' },
  enumsAsTypes: true,
  useTypeImports: true,
};

const config: CodegenConfig = {
  schema: 'schema.graphql',
  ignoreNoDocuments: false,
  generates: {
    'test/generated/': {
      documents: ['test/graphql/documents.ts'],
      preset: 'client',
      config: {
        ...shared,
        // NodeNext resolution needs explicit .js extensions in relative imports.
        importExtension: '.js',
      },
      presetConfig: { fragmentMasking: false },
    },
    'examples/comments-web/src/gql/': {
      documents: ['examples/comments-web/src/documents.ts'],
      preset: 'client',
      config: { ...shared, documentMode: 'string' },
      presetConfig: { fragmentMasking: false, persistedDocuments: true },
    },
  },
};

export default config;
