import type { Migration } from './types.js';

/**
 * Hosted tables (the platform's 表单, `App.Table.*`): one row per table an app owner defined.
 * The rows themselves live in a real table per app and name (src/records/tables.ts), created
 * when the table is defined. `columns` holds the declared columns as JSON, `check_code` the
 * sha256 of the table's passphrase (null: none).
 */
export const hostedTables: Migration = {
  id: '006_hosted_tables',
  sqlite: [
    `CREATE TABLE yg_table (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      app_id INTEGER NOT NULL REFERENCES yg_app(id) ON DELETE CASCADE,
      name VARCHAR(64) NOT NULL,
      columns TEXT NOT NULL,
      check_code CHAR(64) NULL,
      created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
      UNIQUE (app_id, name)
    )`,
  ],
  mysql: [
    `CREATE TABLE yg_table (
      id INT AUTO_INCREMENT PRIMARY KEY,
      app_id INT NOT NULL,
      name VARCHAR(64) NOT NULL,
      columns TEXT NOT NULL,
      check_code CHAR(64) NULL,
      created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
      UNIQUE KEY uk_table_name (app_id, name),
      CONSTRAINT fk_table_app FOREIGN KEY (app_id) REFERENCES yg_app(id) ON DELETE CASCADE
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
  ],
};
