import type { Migration } from './types.js';

/**
 * Asynchronous tasks (App.Task.*, exports): one row per task, claimed by the workers of every
 * instance (src/tasks/worker.ts). `id` is 32 random hex characters (unguessable); `owner_uuid`
 * the member who started it ('' for none); `params`, `result` and `checkpoint` are JSON.
 * `lease_owner`/`lease_until` say which worker runs it and until when: a running task whose
 * lease has passed is taken up again. Times are UTC 'YYYY-MM-DD HH:MM:SS'.
 * Indexes: (status, created_at) for the claim, (app_id, created_at) for the lists.
 */
export const tasks: Migration = {
  id: '011_tasks',
  sqlite: [
    `CREATE TABLE yg_task (
      id CHAR(32) PRIMARY KEY,
      app_id INTEGER NOT NULL REFERENCES yg_app(id) ON DELETE CASCADE,
      owner_uuid VARCHAR(32) NOT NULL DEFAULT '',
      kind VARCHAR(32) NOT NULL,
      params TEXT NOT NULL,
      status VARCHAR(16) NOT NULL,
      progress INTEGER NOT NULL DEFAULT 0,
      result TEXT NULL,
      error TEXT NULL,
      checkpoint TEXT NULL,
      attempts INTEGER NOT NULL DEFAULT 0,
      lease_owner VARCHAR(32) NULL,
      lease_until DATETIME NULL,
      created_at DATETIME NOT NULL,
      started_at DATETIME NULL,
      finished_at DATETIME NULL
    )`,
    `CREATE INDEX ix_task_claim ON yg_task (status, created_at)`,
    `CREATE INDEX ix_task_app ON yg_task (app_id, created_at)`,
  ],
  mysql: [
    `CREATE TABLE yg_task (
      id CHAR(32) NOT NULL PRIMARY KEY,
      app_id INT NOT NULL,
      owner_uuid VARCHAR(32) NOT NULL DEFAULT '',
      kind VARCHAR(32) NOT NULL,
      params TEXT NOT NULL,
      status VARCHAR(16) NOT NULL,
      progress INT NOT NULL DEFAULT 0,
      result TEXT NULL,
      error TEXT NULL,
      checkpoint TEXT NULL,
      attempts INT NOT NULL DEFAULT 0,
      lease_owner VARCHAR(32) NULL,
      lease_until DATETIME NULL,
      created_at DATETIME NOT NULL,
      started_at DATETIME NULL,
      finished_at DATETIME NULL,
      KEY ix_task_claim (status, created_at),
      KEY ix_task_app (app_id, created_at),
      CONSTRAINT fk_task_app FOREIGN KEY (app_id) REFERENCES yg_app (id) ON DELETE CASCADE
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
  ],
};
