import type { Migration } from './types.js';

/**
 * Trusted documents per app (`yesgraph app trust`): the GraphQL documents an app's own
 * client published, by the id its codegen gave each (`persisted-documents.json`, `{id: text}`).
 * An app with at least one runs only these on the GraphQL face (src/graphql/hardening-trusted.ts);
 * an app with none is not limited.
 */
export const trustedDocuments: Migration = {
  id: '010_trusted_documents',
  sqlite: [
    `CREATE TABLE yg_trusted_document (
      app_id INTEGER NOT NULL REFERENCES yg_app(id) ON DELETE CASCADE,
      hash VARCHAR(128) NOT NULL,
      document TEXT NOT NULL,
      created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
      PRIMARY KEY (app_id, hash)
    )`,
  ],
  mysql: [
    `CREATE TABLE yg_trusted_document (
      app_id INT NOT NULL,
      hash VARCHAR(128) NOT NULL,
      document MEDIUMTEXT NOT NULL,
      created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
      PRIMARY KEY (app_id, hash),
      CONSTRAINT fk_trusted_document_app FOREIGN KEY (app_id) REFERENCES yg_app(id) ON DELETE CASCADE
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
  ],
};
