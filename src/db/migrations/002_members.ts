import type { Migration } from './types.js';

/** Members of an app (App.User.*) and their sessions; tokens are stored as sha256 hashes. */
export const members: Migration = {
  id: '002_members',
  sqlite: [
    `CREATE TABLE yg_member (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      app_id INTEGER NOT NULL REFERENCES yg_app(id) ON DELETE CASCADE,
      uuid CHAR(32) NOT NULL UNIQUE,
      username VARCHAR(64) NOT NULL,
      password_hash VARCHAR(160) NOT NULL,
      role VARCHAR(16) NOT NULL DEFAULT 'user',
      created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
      UNIQUE (app_id, username)
    )`,
    `CREATE TABLE yg_member_session (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      app_id INTEGER NOT NULL,
      member_id INTEGER NOT NULL REFERENCES yg_member(id) ON DELETE CASCADE,
      token_hash CHAR(64) NOT NULL UNIQUE,
      expires_at DATETIME NOT NULL,
      created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
    )`,
  ],
  mysql: [
    `CREATE TABLE yg_member (
      id INT AUTO_INCREMENT PRIMARY KEY,
      app_id INT NOT NULL,
      uuid CHAR(32) NOT NULL,
      username VARCHAR(64) NOT NULL,
      password_hash VARCHAR(160) NOT NULL,
      role VARCHAR(16) NOT NULL DEFAULT 'user',
      created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
      UNIQUE KEY uk_member_uuid (uuid),
      UNIQUE KEY uk_member_username (app_id, username),
      CONSTRAINT fk_member_app FOREIGN KEY (app_id) REFERENCES yg_app(id) ON DELETE CASCADE
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
    `CREATE TABLE yg_member_session (
      id INT AUTO_INCREMENT PRIMARY KEY,
      app_id INT NOT NULL,
      member_id INT NOT NULL,
      token_hash CHAR(64) NOT NULL,
      expires_at DATETIME NOT NULL,
      created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
      UNIQUE KEY uk_session_token (token_hash),
      CONSTRAINT fk_session_member FOREIGN KEY (member_id) REFERENCES yg_member(id) ON DELETE CASCADE
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
  ],
};
