/**
 * How the engine runs a tree level: a level of several parents is read through the index on the
 * parent field, in the index's own order, without a sort. Ordered by id alone, such a level needs
 * a sort, and MariaDB under concurrent callers was seen walking the whole table in id order
 * instead (20,000 rows read for 190 answered, in `npm run bench`).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ident, sql, type Sql } from '../../src/db/sql.js';
import { treeLevelQuery, type TreePlan } from '../../src/operations/tree.js';
import { parseOrder, readWhere } from '../../src/where/index.js';
import { storeKinds, useStore } from '../support/stores.js';
import { createTable, treeRows } from './fixtures.js';

const kinds = await storeKinds();
const TABLE = 'PlanTree';
const INDEX = 'plan_tree_parent';
/** 100 nodes under parent 0 and 1,900 below them, 19 each. */
const ROWS = treeRows([100, 1900]);
const PARENTS = [3, 17, 18, 40, 41, 42, 60, 77, 90, 99];

describe.each(kinds)('%s', (kind) => {
  const db = useStore(kind);

  beforeAll(async () => {
    await createTable(db.store, TABLE, { name: 'VARCHAR(50) NOT NULL', parent_id: 'INT NULL' }, ROWS);
    await db.store.execute(sql`CREATE INDEX ${ident(INDEX)} ON ${ident(TABLE)} (${ident('parent_id')})`);
    await db.store.execute(kind === 'mysql' ? sql`ANALYZE TABLE ${ident(TABLE)}` : sql`ANALYZE`);
  });

  /** The one statement reading the children of PARENTS, in `order`. */
  async function levelOf(order = '[]'): Promise<Sql> {
    const table = await db.store.columns(TABLE);
    if (!table) throw new Error(`${TABLE} is missing`);
    const plan: TreePlan = { table, parentField: 'parent_id', columns: ['id', 'name', 'parent_id'], where: readWhere(new Map()), order: parseOrder(order) };
    const statements = treeLevelQuery(plan, db.store.dialect).statements(PARENTS);
    expect(statements).toHaveLength(1);
    return statements[0]!;
  }

  it('reads a level of ten parents through the parent index, without a sort', async () => {
    const level = await levelOf();

    if (kind === 'mysql') {
      const steps = await db.store.query<{ key: string | null; Extra: string | null }>(sql`EXPLAIN ${level}`);
      expect(steps).toHaveLength(1);
      expect(steps[0]!.key).toBe(INDEX);
      expect(steps[0]!.Extra ?? '').not.toMatch(/filesort/i);
    } else {
      const steps = await db.store.query<{ detail: string }>(sql`EXPLAIN QUERY PLAN ${level}`);
      const details = steps.map((s) => s.detail).join('\n');
      expect(details).toContain(`USING INDEX ${INDEX}`);
      expect(details).not.toMatch(/TEMP B-TREE/);
    }
  });

  it('answers each parent’s children in id order, or in the order asked', async () => {
    const expected = (parent: number, byDesc = false) =>
      ROWS.filter((r) => r[2] === parent)
        .map((r) => r[0])
        .sort((a, b) => (byDesc ? b - a : a - b));
    for (const [order, desc] of [['[]', false], ['["id DESC"]', true]] as const) {
      const rows = await db.store.query<{ id: number | string; parent_id: number | string }>(await levelOf(order));
      expect(rows).toHaveLength(PARENTS.length * 19);
      for (const parent of PARENTS) {
        expect(rows.filter((r) => Number(r.parent_id) === parent).map((r) => Number(r.id))).toEqual(expected(parent, desc));
      }
    }
  });

  if (kind === 'mysql') {
    it('reads no more rows than it answers (MariaDB’s own count, on one connection)', async () => {
      const level = await levelOf();
      const read = await db.store.transaction(async (tx) => {
        const count = async () => {
          const rows = await tx.query<{ Variable_name: string; Value: string }>(
            sql`SHOW SESSION STATUS WHERE Variable_name IN ('Handler_read_next', 'Handler_read_rnd_next', 'Handler_read_first')`,
          );
          return rows.reduce((n, r) => n + Number(r.Value), 0);
        };
        const before = await count();
        const rows = await tx.query(level);
        expect(rows).toHaveLength(PARENTS.length * 19);
        // SHOW STATUS itself reads a few rows of its own; the walk of the table read 2,000.
        return (await count()) - before;
      });
      expect(read).toBeLessThan(PARENTS.length * 19 + 100);
    });
  }
});
