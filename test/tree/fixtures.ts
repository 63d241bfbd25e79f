/** Owner tables for the tree suites, created with plain SQL on any engine. */
import { ident, join, raw, sql } from '../../src/db/sql.js';
import type { Store } from '../../src/db/store.js';

/** The tree example's request (docs/PROTOCOL.md §6.7), without parent_id, app_key and sign. */
export const SEED_PARAMS = {
  s: 'App.DB_MsSQL_Data.FreeTree',
  model_name: 'TestTable',
  db_mark: 'db_test',
  parent_field: 'parent_id',
  where: '[["id", ">=", "1"]]',
  order: '["id DESC"]',
};

/** The rows of the TestTable of docs/PROTOCOL.md §6.7: id, name, quantity, parent_id. */
export const SEED_ROWS: ReadonlyArray<readonly [number, string, number, number | null]> = [
  [4, '小白V6', 27, null],
  [5, '小白接口V5', 674, 0],
  [6, '小白V8', 19, 4],
  [7, '小白V8', 20, 4],
  [8, '小白V8', 131, 0],
  [9, '小白接口V5', 131, 8],
  [10, '小白接口V5', 10, 8],
];

/** Seed 002's first answer (`data`), verbatim. */
export const SEED_LEVEL_ONE = {
  err_code: 0,
  err_msg: '',
  tree: [
    {
      id: 8,
      name: '小白V8',
      quantity: '131',
      parent_id: 0,
      children_tree: [
        { id: 10, name: '小白接口V5', quantity: '10', parent_id: 8 },
        { id: 9, name: '小白接口V5', quantity: '131', parent_id: 8 },
      ],
    },
    { id: 5, name: '小白接口V5', quantity: '674', parent_id: 0, children_tree: [] },
  ],
};

/** Seed 002's second answer (`data`), verbatim. */
export const SEED_LEVEL_TWO = {
  err_code: 0,
  err_msg: '',
  tree: [
    { id: 10, name: '小白接口V5', quantity: '10', parent_id: 8, children_tree: [] },
    { id: 9, name: '小白接口V5', quantity: '131', parent_id: 8, children_tree: [] },
  ],
};

const ID_COLUMN = {
  sqlite: 'INTEGER PRIMARY KEY AUTOINCREMENT',
  mysql: 'INT AUTO_INCREMENT PRIMARY KEY',
  mssql: 'INT IDENTITY(1,1) NOT NULL PRIMARY KEY',
} as const;

/** Creates `table` (id + the given column definitions) and inserts rows with explicit ids. */
export async function createTable(
  store: Store,
  table: string,
  columns: Record<string, string>,
  rows: ReadonlyArray<readonly unknown[]> = [],
): Promise<void> {
  const defs = Object.entries(columns).map(([name, type]) => sql`${ident(name)} ${raw(type)}`);
  await store.execute(sql`CREATE TABLE ${ident(table)} (${ident('id')} ${raw(ID_COLUMN[store.dialect.name])}, ${join(defs)})`);
  const names = join(['id', ...Object.keys(columns)].map((c) => ident(c)));
  // Stay far below every engine's parameter limit.
  for (let i = 0; i < rows.length; i += 500) {
    const values = join(rows.slice(i, i + 500).map((r) => sql`(${join(r.map((v) => sql`${v}`))})`));
    const insert = sql`INSERT INTO ${ident(table)} (${names}) VALUES ${values}`;
    if (store.dialect.name === 'mssql') {
      await store.execute(sql`SET IDENTITY_INSERT ${ident(table)} ON; ${insert}; SET IDENTITY_INSERT ${ident(table)} OFF`);
    } else await store.execute(insert);
  }
}

/** Seed 002's TestTable. */
export async function createSeedTable(store: Store, table = 'TestTable'): Promise<void> {
  const text = store.dialect.name === 'mssql' ? 'NVARCHAR(50) NULL' : 'VARCHAR(50) NULL';
  await createTable(store, table, { name: text, quantity: 'INT NULL', parent_id: 'INT NULL' }, SEED_ROWS);
}

/**
 * A tree of `sizes.length` levels, `sizes[k]` nodes on level k+1; level 1 hangs off parent 0
 * and each deeper node off a node of the level above, round robin.
 */
export function treeRows(sizes: readonly number[]): Array<[number, string, number]> {
  const rows: Array<[number, string, number]> = [];
  let above = [0];
  let next = 1;
  for (const size of sizes) {
    const level = Array.from({ length: size }, (_, i) => {
      const id = next++;
      rows.push([id, `n${id}`, above[i % above.length]!]);
      return id;
    });
    above = level;
  }
  return rows;
}
