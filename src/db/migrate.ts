/**
 * Applies yesgraph's migrations to the main store (SQLite or MySQL/MariaDB). On MySQL a named
 * lock makes concurrent start-ups of several instances apply each migration once.
 */
import { MIGRATIONS } from './migrations/index.js';
import type { Migration } from './migrations/types.js';
import { MysqlStore } from './mysql.js';
import { SqliteStore } from './sqlite.js';
import { sql } from './sql.js';
import type { Store } from './store.js';

const LEDGER = {
  sqlite: `CREATE TABLE IF NOT EXISTS yg_migration (id VARCHAR(64) PRIMARY KEY, applied_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP)`,
  mysql: `CREATE TABLE IF NOT EXISTS yg_migration (id VARCHAR(64) PRIMARY KEY, applied_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
};

/** Applies pending migrations; returns the ids applied now. */
export async function migrate(store: Store, migrations: readonly Migration[] = MIGRATIONS): Promise<string[]> {
  if (store instanceof SqliteStore) {
    // SQLite DDL is transactional: each migration and its ledger row commit together.
    await store.script(LEDGER.sqlite);
    return applyPending(store, migrations, async (m) => {
      try {
        await store.script(['BEGIN', ...m.sqlite, `INSERT INTO yg_migration (id) VALUES ('${m.id}')`, 'COMMIT'].join(';\n'));
      } catch (err) {
        await store.script('ROLLBACK').catch(() => undefined);
        throw err;
      }
    });
  }
  if (store instanceof MysqlStore) {
    return store.withNamedLock('yesgraph_migrate', async () => {
      await store.script([LEDGER.mysql]);
      // MySQL commits DDL implicitly; the ledger row follows the migration's last statement.
      return applyPending(store, migrations, (m) => store.script([...m.mysql, `INSERT INTO yg_migration (id) VALUES ('${m.id}')`]));
    });
  }
  throw new Error(`the main store must be SQLite or MySQL/MariaDB, not ${store.dialect.name}`);
}

async function applyPending(store: Store, migrations: readonly Migration[], apply: (m: Migration) => Promise<void>) {
  const done = new Set((await store.query<{ id: string }>(sql`SELECT id FROM yg_migration`)).map((r) => r.id));
  const applied: string[] = [];
  for (const m of migrations) {
    if (done.has(m.id)) continue;
    if (!/^[0-9]{3}_[a-z0-9_]+$/.test(m.id)) throw new Error(`bad migration id ${m.id}`);
    await apply(m);
    applied.push(m.id);
  }
  store.invalidateColumns();
  return applied;
}
