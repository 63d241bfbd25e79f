import type { Migration } from './types.js';

/** Apps (app_key, secret, signature mode) and the direct-connect databases they register. */
export const apps: Migration = {
  id: '001_apps',
  sqlite: [
    `CREATE TABLE yg_app (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      app_key CHAR(32) NOT NULL UNIQUE,
      app_secret VARCHAR(128) NOT NULL,
      name VARCHAR(64) NOT NULL DEFAULT '',
      sign_mode VARCHAR(8) NOT NULL DEFAULT 'dynamic',
      static_sign VARCHAR(64) NULL,
      auth_enabled INTEGER NOT NULL DEFAULT 1,
      status VARCHAR(8) NOT NULL DEFAULT 'active',
      expires_at DATETIME NULL,
      is_demo INTEGER NOT NULL DEFAULT 0,
      created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
    )`,
    `CREATE TABLE yg_database (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      app_id INTEGER NOT NULL REFERENCES yg_app(id) ON DELETE CASCADE,
      db_mark VARCHAR(64) NOT NULL,
      engine VARCHAR(8) NOT NULL,
      url_redacted VARCHAR(512) NOT NULL,
      url_sealed TEXT NOT NULL,
      table_prefix VARCHAR(32) NOT NULL DEFAULT '',
      created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
      UNIQUE (app_id, db_mark)
    )`,
  ],
  mysql: [
    `CREATE TABLE yg_app (
      id INT AUTO_INCREMENT PRIMARY KEY,
      app_key CHAR(32) NOT NULL,
      app_secret VARCHAR(128) NOT NULL,
      name VARCHAR(64) NOT NULL DEFAULT '',
      sign_mode VARCHAR(8) NOT NULL DEFAULT 'dynamic',
      static_sign VARCHAR(64) NULL,
      auth_enabled TINYINT NOT NULL DEFAULT 1,
      status VARCHAR(8) NOT NULL DEFAULT 'active',
      expires_at DATETIME NULL,
      is_demo TINYINT NOT NULL DEFAULT 0,
      created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
      UNIQUE KEY uk_app_key (app_key)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
    `CREATE TABLE yg_database (
      id INT AUTO_INCREMENT PRIMARY KEY,
      app_id INT NOT NULL,
      db_mark VARCHAR(64) NOT NULL,
      engine VARCHAR(8) NOT NULL,
      url_redacted VARCHAR(512) NOT NULL,
      url_sealed TEXT NOT NULL,
      table_prefix VARCHAR(32) NOT NULL DEFAULT '',
      created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
      UNIQUE KEY uk_app_db_mark (app_id, db_mark),
      CONSTRAINT fk_database_app FOREIGN KEY (app_id) REFERENCES yg_app(id) ON DELETE CASCADE
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
  ],
};
