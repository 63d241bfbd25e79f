import type { Migration } from './types.js';

/**
 * The call log (the platform's 接口请求日记): one row per call, legacy or GraphQL (one per
 * operation of a batch), written in batches off the request path (src/telemetry/call-log.ts)
 * and pruned after YESGRAPH_CALL_LOG_DAYS. It holds who called what and how it went, never a
 * parameter: no secret, sign, token or password can reach it. `app_key` rather than a foreign
 * key, so the rows of an app outlive a removal until they age out; `at` is UTC
 * ('YYYY-MM-DD HH:MM:SS'), `duration_us` the time to the answer in microseconds.
 * Indexes: (app_key, at) for `yesgraph log tail/stats --app`, (at) for pruning.
 * Replaced by batch rows in 012_call_batches.
 */
export const callLog: Migration = {
  id: '009_call_log',
  sqlite: [
    `CREATE TABLE yg_call_log (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      at DATETIME NOT NULL,
      app_key VARCHAR(32) NULL,
      face VARCHAR(8) NOT NULL,
      service VARCHAR(128) NULL,
      ret INTEGER NOT NULL,
      err_code INTEGER NULL,
      duration_us INTEGER NOT NULL,
      ip VARCHAR(45) NULL,
      member_uuid CHAR(32) NULL
    )`,
    `CREATE INDEX ix_call_log_app_at ON yg_call_log (app_key, at)`,
    `CREATE INDEX ix_call_log_at ON yg_call_log (at)`,
  ],
  mysql: [
    `CREATE TABLE yg_call_log (
      id BIGINT AUTO_INCREMENT PRIMARY KEY,
      at DATETIME NOT NULL,
      app_key VARCHAR(32) NULL,
      face VARCHAR(8) NOT NULL,
      service VARCHAR(128) NULL,
      ret SMALLINT NOT NULL,
      err_code INT NULL,
      duration_us INT NOT NULL,
      ip VARCHAR(45) NULL,
      member_uuid CHAR(32) NULL,
      KEY ix_call_log_app_at (app_key, at),
      KEY ix_call_log_at (at)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
  ],
};
