import type { Migration } from './types.js';

/**
 * App secrets and static signs are stored sealed (src/records/apps.ts), which is longer than
 * the plain text: widen the MySQL columns. SQLite does not enforce VARCHAR lengths. The
 * sealing of existing rows needs YESGRAPH_SECRET_KEY, so start-up does it, not this migration.
 */
export const sealedAppSecrets: Migration = {
  id: '004_sealed_app_secrets',
  sqlite: [],
  mysql: [`ALTER TABLE yg_app MODIFY app_secret VARCHAR(512) NOT NULL, MODIFY static_sign VARCHAR(512) NULL`],
};
