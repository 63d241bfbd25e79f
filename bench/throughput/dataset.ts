/**
 * The fixed data set of the throughput bench, written straight into fresh databases:
 * - comments: 1,000 threads of three levels (1 + 3 + 6 comments each), 10 threads per message_key;
 * - a tree of 20,100 nodes in an owner database registered as `bench_db`: 100 roots, 10
 *   children each, 19 grandchildren per child, so FreeTree under a root answers 10 + 190 rows;
 * - pop queues of 100,000 rows (hosted tables of the app, `state` 0 until popped): one per face
 *   and one for the bare server, so that no run empties another's;
 * - 1,000 accounts in the owner database, each holding 10^9, for Transfer.
 */
import { ident, join, raw, sql, type Sql } from '../../src/db/sql.js';
import type { Store } from '../../src/db/store.js';
import { parseColumnSpec, TableRecords } from '../../src/records/tables.js';
import { createBank } from '../../test/transfer/fixtures.js';
import type { StoreKind } from '../../test/support/stores.js';

export const THREADS = 1_000;
export const THREADS_PER_KEY = 10;
export const KEYS = THREADS / THREADS_PER_KEY;
export const TREE_TABLE = 'BenchTree';
export const TREE_ROOTS = 100;
export const QUEUE_ROWS = 100_000;
/** The pop queues' names (hosted tables of the bench app). */
export const QUEUES = { legacy: 'bench_queue_legacy', graphql: 'bench_queue_graphql', bare: 'bench_queue_bare' } as const;
export const BANK_TABLE = 'BenchBank';
export const ACCOUNTS = 1_000;

const BATCH = 400;

async function insertRows(store: Store, table: string, columns: readonly string[], rows: ReadonlyArray<readonly unknown[]>): Promise<void> {
  const names = join(columns.map((c) => ident(c)));
  for (let i = 0; i < rows.length; i += BATCH) {
    const values: Sql[] = rows.slice(i, i + BATCH).map((r) => sql`(${join(r.map((v) => sql`${v}`))})`);
    await store.execute(sql`INSERT INTO ${ident(table)} (${names}) VALUES ${join(values)}`);
  }
}

/** Comments of `appId` in the main store; returns the message keys. */
export async function seedComments(main: Store, appId: number): Promise<string[]> {
  const rows: unknown[][] = [];
  let id = 0;
  const at = (n: number) => `2026-01-01 ${String(Math.floor(n / 3600) % 24).padStart(2, '0')}:${String(Math.floor(n / 60) % 60).padStart(2, '0')}:${String(n % 60).padStart(2, '0')}`;
  for (let t = 0; t < THREADS; t++) {
    const key = `bench-${t % KEYS}`;
    const top = ++id;
    rows.push([top, key, 'reader', `thread ${t}`, 0, at(top), appId]);
    for (let r = 0; r < 3; r++) {
      const reply = ++id;
      rows.push([reply, key, 'reader', `reply ${r}`, top, at(reply), appId]);
      for (let s = 0; s < 2; s++) {
        const sub = ++id;
        rows.push([sub, key, 'reader', `reply ${r}.${s}`, reply, at(sub), appId]);
      }
    }
  }
  await insertRows(main, 'okayapi_message', ['id', 'message_key', 'message_nickname', 'message_content', 'message_pid', 'message_post_time', 'app_id'], rows);
  return Array.from({ length: KEYS }, (_, i) => `bench-${i}`);
}

/** The tree table in an owner database; returns the root ids. */
export async function seedTree(owner: Store, kind: StoreKind): Promise<number[]> {
  const idColumn = kind === 'sqlite' ? 'INTEGER PRIMARY KEY AUTOINCREMENT' : 'INT AUTO_INCREMENT PRIMARY KEY';
  await owner.execute(
    sql`CREATE TABLE ${ident(TREE_TABLE)} (id ${raw(idColumn)}, name VARCHAR(50) NOT NULL, quantity INT NOT NULL, parent_id INT NULL)`,
  );
  await owner.execute(sql`CREATE INDEX bench_tree_parent ON ${ident(TREE_TABLE)} (parent_id)`);
  const rows: unknown[][] = [];
  const roots: number[] = [];
  let id = 0;
  for (let r = 0; r < TREE_ROOTS; r++) {
    const root = ++id;
    roots.push(root);
    rows.push([root, `root ${r}`, r, 0]);
  }
  for (const root of roots) {
    for (let c = 0; c < 10; c++) {
      const child = ++id;
      rows.push([child, `child ${root}.${c}`, c, root]);
      for (let g = 0; g < 19; g++) rows.push([++id, `leaf ${child}.${g}`, g, child]);
    }
  }
  await insertRows(owner, TREE_TABLE, ['id', 'name', 'quantity', 'parent_id'], rows);
  return roots;
}

/** The pop queues (QUEUES) of `appId`; answers the bare server's physical table. */
export async function seedQueues(main: Store, appId: number): Promise<string> {
  const tables = new TableRecords(main);
  const rows = Array.from({ length: QUEUE_ROWS }, (_, i) => [`code${i}`, 0]);
  let bare = '';
  for (const [face, name] of Object.entries(QUEUES)) {
    const table = await tables.create(appId, name, ['code:varchar(16)', 'state:int'].map(parseColumnSpec), ['state']);
    await insertRows(main, table.physical, ['code', 'state'], rows);
    if (face === 'bare') bare = table.physical;
  }
  return bare;
}

/** The accounts of Transfer in an owner database; answers their codes. */
export function seedBank(owner: Store): Promise<string[]> {
  return createBank(owner, BANK_TABLE, ACCOUNTS, 1_000_000_000);
}
