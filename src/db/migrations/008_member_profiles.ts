import type { Migration } from './types.js';

/**
 * The member module (App.User.* beyond login): a member's `ext_info` (a JSON object, NULL for
 * none), whether an app admin banned them, and when they last logged in. The indexes serve the
 * member lists of an app: by id (GetList, FastGetUserLongList), by role, and by last login
 * (GetLastestLoginList); SQLite also gets the index MySQL's foreign key already gives sessions,
 * so that ending every session of a member (a ban, a new password) does not scan them all.
 *
 * `yg_sequence` hands out App.Common_UniqueId.GetUniqueId's ids: each instance reserves a block
 * by moving `next_value` in a transaction, so ids never repeat across instances.
 */
export const memberProfiles: Migration = {
  id: '008_member_profiles',
  sqlite: [
    `ALTER TABLE yg_member ADD COLUMN ext_info TEXT NULL`,
    `ALTER TABLE yg_member ADD COLUMN banned INTEGER NOT NULL DEFAULT 0`,
    `ALTER TABLE yg_member ADD COLUMN last_login_at DATETIME NULL`,
    `CREATE INDEX ix_member_app ON yg_member (app_id, id)`,
    `CREATE INDEX ix_member_role ON yg_member (app_id, role, id)`,
    `CREATE INDEX ix_member_login ON yg_member (app_id, last_login_at, id)`,
    `CREATE INDEX ix_session_member ON yg_member_session (member_id)`,
    `CREATE TABLE yg_sequence (name VARCHAR(32) PRIMARY KEY, next_value BIGINT NOT NULL)`,
    `INSERT INTO yg_sequence (name, next_value) VALUES ('unique_id', 1)`,
  ],
  mysql: [
    `ALTER TABLE yg_member ADD COLUMN ext_info TEXT NULL, ADD COLUMN banned TINYINT NOT NULL DEFAULT 0, ADD COLUMN last_login_at DATETIME NULL`,
    `CREATE INDEX ix_member_role ON yg_member (app_id, role, id)`,
    `CREATE INDEX ix_member_login ON yg_member (app_id, last_login_at, id)`,
    `CREATE TABLE yg_sequence (name VARCHAR(32) PRIMARY KEY, next_value BIGINT NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
    `INSERT INTO yg_sequence (name, next_value) VALUES ('unique_id', 1)`,
  ],
};
