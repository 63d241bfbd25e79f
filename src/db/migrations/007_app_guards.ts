import type { Migration } from './types.js';

/**
 * The per-app guard settings (docs/PROTOCOL.md §9), read with the app in one statement so that
 * the guards never ask the store twice: IP deny and allow lists (comma-separated CIDR ranges),
 * a monthly quota in cost units, a request rate as `rate_limit` calls per `rate_seconds`,
 * services switched off (comma-separated names), per-service costs (a JSON object), and the
 * replay window in seconds. NULL everywhere means "not set": an app migrated from an older
 * version keeps working as before. `status` and `expires_at` (001) stay where they are.
 */
const COLUMNS = [
  'ip_deny TEXT NULL',
  'ip_allow TEXT NULL',
  'quota BIGINT NULL',
  'rate_limit INT NULL',
  'rate_seconds INT NULL',
  'services_off TEXT NULL',
  'service_costs TEXT NULL',
  'replay_window INT NULL',
];

export const appGuards: Migration = {
  id: '007_app_guards',
  // SQLite adds one column per statement; MySQL could take them at once, but one statement per
  // column keeps a half-applied run resumable statement by statement (src/db/migrate.ts).
  sqlite: COLUMNS.map((c) => `ALTER TABLE yg_app ADD COLUMN ${c}`),
  mysql: COLUMNS.map((c) => `ALTER TABLE yg_app ADD COLUMN ${c}`),
};
