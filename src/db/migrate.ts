/**
 * Applies yesgraph's migrations to the main store (SQLite or MySQL/MariaDB), under the store's
 * migration lock, so that instances starting at once apply each migration once.
 *
 * Where DDL is transactional (SQLite), the whole run is one transaction: a failure leaves
 * nothing behind. Where it is not (MySQL commits each DDL statement), `yg_migration_step`
 * records each statement as it completes, so a migration that failed halfway resumes, once
 * fixed, after its last completed statement: never edit a statement that has run, only the
 * one that failed and those after it. Statement-level progress rather than idempotent DDL
 * because MySQL has no `IF NOT EXISTS` for indexes and columns, and because a data statement
 * (UPDATE) cannot be made idempotent by its wording.
 */
import type { EngineName } from './dialect.js';
import { MIGRATIONS } from './migrations/index.js';
import type { Migration } from './migrations/types.js';
import { sql } from './sql.js';
import type { MigrationSession, Store } from './store.js';

type MainEngine = keyof Omit<Migration, 'id'>;

const TABLE_OPTIONS: Record<MainEngine, string> = { sqlite: '', mysql: ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4' };

const LEDGER = `CREATE TABLE IF NOT EXISTS yg_migration (id VARCHAR(64) PRIMARY KEY, applied_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP)`;
const STEPS = `CREATE TABLE IF NOT EXISTS yg_migration_step (id VARCHAR(64) NOT NULL, step INT NOT NULL, applied_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP, PRIMARY KEY (id, step))`;

const MIGRATION_ID = /^[0-9]{3}_[a-z0-9_]+$/;

function mainEngine(name: EngineName): MainEngine {
  if (name === 'sqlite' || name === 'mysql') return name;
  throw new Error(`the main store must be SQLite or MySQL/MariaDB, not ${name}`);
}

/** Applies pending migrations; returns the ids applied now. */
export async function migrate(store: Store, migrations: readonly Migration[] = MIGRATIONS): Promise<string[]> {
  const engine = mainEngine(store.dialect.name);
  for (const m of migrations) if (!MIGRATION_ID.test(m.id)) throw new Error(`bad migration id ${m.id}`);
  try {
    return await store.withMigrationLock(async (session) => {
      const ledger = session.dialect.supportsTransactionalDdl ? [LEDGER] : [LEDGER, STEPS];
      await session.runScript(ledger.map((ddl) => ddl + TABLE_OPTIONS[engine]));
      const done = new Set((await session.query<{ id: string }>(sql`SELECT id FROM yg_migration`)).map((r) => r.id));
      const applied: string[] = [];
      for (const m of migrations) {
        if (done.has(m.id)) continue;
        await apply(session, m.id, m[engine]);
        applied.push(m.id);
      }
      return applied;
    });
  } finally {
    store.invalidateColumns();
  }
}

/**
 * Runs a migration's statements and records it. Without transactional DDL, starts after the last
 * statement recorded in yg_migration_step and records each statement as it completes.
 */
async function apply(session: MigrationSession, id: string, statements: readonly string[]): Promise<void> {
  const bySteps = !session.dialect.supportsTransactionalDdl;
  let first = 1;
  if (bySteps) {
    const [last] = await session.query<{ step: number | string | null }>(sql`SELECT MAX(step) AS step FROM yg_migration_step WHERE id = ${id}`);
    first = Number(last?.step ?? 0) + 1;
  }
  for (let step = first; step <= statements.length; step++) {
    try {
      await session.runScript([statements[step - 1]!]);
    } catch (err) {
      throw new Error(`migration ${id}, statement ${step} of ${statements.length}: ${(err as Error).message}`, { cause: err });
    }
    if (bySteps) await session.execute(sql`INSERT INTO yg_migration_step (id, step) VALUES (${id}, ${step})`);
  }
  await session.execute(sql`INSERT INTO yg_migration (id) VALUES (${id})`);
  if (bySteps) await session.execute(sql`DELETE FROM yg_migration_step WHERE id = ${id}`);
}
