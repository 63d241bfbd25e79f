/**
 * FreeTree read 6 levels deep over 2,000 rows: yesgraph's GraphQL face (one statement per
 * level, batched by parent ids) against the naive baseline of one statement per node.
 */
import { ident, sql } from '../src/db/sql.js';
import type { Store } from '../src/db/store.js';
import type { TestServer } from '../test/support/server.js';
import { createTable, treeRows } from '../test/tree/fixtures.js';
import { measure, report } from './harness.js';

const SIZES = [5, 20, 75, 200, 600, 1100];
const QUERY = `query($db: String!) { freeTree(db: $db, table: "bench_tree") { ... on QueryFreeTreeSuccess { data {
  id children { id children { id children { id children { id children { id } } } } } } } } }`;

async function naive(store: Store, parentId: number, depth: number): Promise<number> {
  const rows = await store.query<{ id: number }>(sql`SELECT ${ident('id')}, ${ident('name')}, ${ident('parent_id')} FROM ${ident('bench_tree')} WHERE ${ident('parent_id')} = ${parentId} ORDER BY ${ident('id')}`);
  let statements = 1;
  if (depth > 1) for (const r of rows) statements += await naive(store, Number(r.id), depth - 1);
  return statements;
}

export async function benchTree(t: TestServer, owner: Store, ownerUrl: string, label: string, runs: number): Promise<void> {
  await createTable(owner, 'bench_tree', { name: 'VARCHAR(50) NULL', parent_id: 'INT NULL' }, treeRows(SIZES));
  await owner.execute(sql`CREATE INDEX bench_tree_parent ON ${ident('bench_tree')} (${ident('parent_id')})`);
  await t.rt.databases.add(t.app.id, 'bench', ownerUrl, '', { operator: true });
  const resolved = (await t.rt.databases.resolve(t.app.id, 'bench'))!;
  const baseline = await measure('one statement per node', runs, () => naive(owner, 0, SIZES.length));
  const candidate = await measure('GraphQL freeTree, batched', runs, async () => {
    let n = 0;
    const off = resolved.store.onStatement(() => n++);
    const res = await t.graphql<{ freeTree: { data: unknown[] } }>(QUERY, { db: 'bench' });
    off();
    if (!res.data?.freeTree.data.length) throw new Error(JSON.stringify(res.errors));
    return n;
  });
  report(`FreeTree, 6 levels, 2,000 rows (${label})`, baseline, candidate);
}
