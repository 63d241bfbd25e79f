import type { Migration } from './types.js';

/**
 * The call log kept as batches (src/records/call-log.ts): a row holds the calls of one app from
 * one write of the batching writer, at most 512, as a JSON array of entries
 * `[at, face, service, ret, err_code, duration_us, ip, member_uuid]` in the order they were
 * answered. One row per call (009) cost MariaDB about 9 µs of CPU per call and yesgraph about 5
 * more to bind its nine values; batch rows cost both together under 2 µs a call
 * (`npm run bench:call-log`).
 * `first_at`/`last_at` bound the entries' times (UTC 'YYYY-MM-DD HH:MM:SS'): a row is pruned once
 * its last call is older than YESGRAPH_CALL_LOG_DAYS. Indexes: (app_key, last_at) for
 * `yesgraph log tail/stats --app`, (last_at) for pruning.
 * The rows of 009's table are carried over, one batch row each, in their order; then it is dropped.
 */
export const callBatches: Migration = {
  id: '012_call_batches',
  sqlite: [
    `CREATE TABLE yg_call_batch (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      first_at DATETIME NOT NULL,
      last_at DATETIME NOT NULL,
      app_key VARCHAR(32) NULL,
      calls INTEGER NOT NULL,
      entries TEXT NOT NULL
    )`,
    `CREATE INDEX ix_call_batch_app_at ON yg_call_batch (app_key, last_at)`,
    `CREATE INDEX ix_call_batch_at ON yg_call_batch (last_at)`,
    `INSERT INTO yg_call_batch (first_at, last_at, app_key, calls, entries)
      SELECT at, at, app_key, 1, json_array(json_array(at, face, service, ret, err_code, duration_us, ip, member_uuid))
      FROM yg_call_log ORDER BY id`,
    `DROP TABLE yg_call_log`,
  ],
  mysql: [
    `CREATE TABLE yg_call_batch (
      id BIGINT AUTO_INCREMENT PRIMARY KEY,
      first_at DATETIME NOT NULL,
      last_at DATETIME NOT NULL,
      app_key VARCHAR(32) NULL,
      calls INT NOT NULL,
      entries MEDIUMTEXT NOT NULL,
      KEY ix_call_batch_app_at (app_key, last_at),
      KEY ix_call_batch_at (last_at)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
    `INSERT INTO yg_call_batch (first_at, last_at, app_key, calls, entries)
      SELECT at, at, app_key, 1, JSON_ARRAY(JSON_ARRAY(DATE_FORMAT(at, '%Y-%m-%d %H:%i:%s'), face, service, ret, err_code, duration_us, ip, member_uuid))
      FROM yg_call_log ORDER BY id`,
    `DROP TABLE yg_call_log`,
  ],
};
