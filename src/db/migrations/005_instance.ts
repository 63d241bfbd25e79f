import type { Migration } from './types.js';

/**
 * The main store's instance token: a random value that tells a database registered by an app
 * apart from the main store itself, even through another node of a cluster (src/db/identity.ts).
 * `key_check` is the token sealed under YESGRAPH_SECRET_KEY at the first start, so a process
 * holding another key is refused even before any secret is stored (src/records/key-check.ts).
 * Registrations remember whether the operator or an app made them: only an app's are held to
 * the address policy (src/db/target-policy.ts) when their pool opens.
 */
export const instance: Migration = {
  id: '005_instance',
  sqlite: [
    `CREATE TABLE yg_instance (id INTEGER PRIMARY KEY, token CHAR(32) NOT NULL, key_check TEXT NULL)`,
    `INSERT INTO yg_instance (id, token) VALUES (1, lower(hex(randomblob(16))))`,
    `ALTER TABLE yg_database ADD COLUMN origin VARCHAR(8) NOT NULL DEFAULT 'api'`,
    `UPDATE yg_database SET origin = 'operator' WHERE engine = 'sqlite'`,
  ],
  mysql: [
    `CREATE TABLE yg_instance (id INT PRIMARY KEY, token CHAR(32) NOT NULL, key_check TEXT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
    `INSERT INTO yg_instance (id, token) VALUES (1, REPLACE(UUID(), '-', ''))`,
    `ALTER TABLE yg_database ADD COLUMN origin VARCHAR(8) NOT NULL DEFAULT 'api'`,
    `UPDATE yg_database SET origin = 'operator' WHERE engine = 'sqlite'`,
  ],
};
