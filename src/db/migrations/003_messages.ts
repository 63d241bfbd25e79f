import type { Migration } from './types.js';

/**
 * Comment threads (App.Market_Message.*): the platform's `okayapi_message` columns plus the
 * owning `app_id`. `message_key` is matched exactly, so MySQL gets a binary collation where its
 * default would fold case. The indexes serve a page of top-level comments per key (or of every
 * key) in post-time order, and the children of a level by `message_pid IN (…)`.
 */
export const messages: Migration = {
  id: '003_messages',
  sqlite: [
    `CREATE TABLE okayapi_message (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      uuid VARCHAR(32) NOT NULL DEFAULT '',
      add_time DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
      update_time DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
      ext_data TEXT NULL,
      message_key VARCHAR(64) NOT NULL DEFAULT '',
      message_nickname VARCHAR(32) NOT NULL DEFAULT '',
      message_content TEXT NOT NULL,
      message_pid INTEGER NOT NULL DEFAULT 0,
      message_post_time DATETIME NOT NULL,
      app_id INTEGER NOT NULL REFERENCES yg_app(id) ON DELETE CASCADE
    )`,
    `CREATE INDEX ix_message_keyed ON okayapi_message (app_id, message_pid, message_key, message_post_time, id)`,
    `CREATE INDEX ix_message_children ON okayapi_message (app_id, message_pid, message_post_time, id)`,
  ],
  mysql: [
    `CREATE TABLE okayapi_message (
      id INT AUTO_INCREMENT PRIMARY KEY,
      uuid VARCHAR(32) NOT NULL DEFAULT '',
      add_time DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
      update_time DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
      ext_data TEXT NULL,
      message_key VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '',
      message_nickname VARCHAR(32) NOT NULL DEFAULT '',
      message_content MEDIUMTEXT NOT NULL,
      message_pid INT NOT NULL DEFAULT 0,
      message_post_time DATETIME NOT NULL,
      app_id INT NOT NULL,
      KEY ix_message_keyed (app_id, message_pid, message_key, message_post_time, id),
      KEY ix_message_children (app_id, message_pid, message_post_time, id),
      CONSTRAINT fk_message_app FOREIGN KEY (app_id) REFERENCES yg_app(id) ON DELETE CASCADE
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
  ],
};
