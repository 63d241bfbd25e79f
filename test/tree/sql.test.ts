/**
 * Golden SQL of the tree's level statements, rendered without a connection: exactly what
 * FreeTree sends to SQL Server (and MySQL) for the seed's requests, and how a level is split
 * under the engine's parameter limit.
 */
import { describe, expect, it } from 'vitest';
import { mssqlDialect } from '../../src/db/mssql.js';
import { mysqlDialect } from '../../src/db/mysql.js';
import { render } from '../../src/db/sql.js';
import { tableInfo, type Column, type ColumnKind } from '../../src/db/store.js';
import { treeLevelQuery, type TreePlan } from '../../src/operations/tree.js';
import { parseOrder, readWhere } from '../../src/where/index.js';

const column = (name: string, kind: ColumnKind, rawType: string): Column => ({ name, kind, rawType, nullable: name !== 'id', primaryKey: name === 'id', maxLength: null });

const testTable = tableInfo('TestTable', [
  column('id', 'integer', 'int'),
  column('name', 'text', 'nvarchar'),
  column('quantity', 'integer', 'int'),
  column('parent_id', 'integer', 'int'),
]);

/** The plan of the tree example's requests (docs/PROTOCOL.md §6.7): where=[["id", ">=", "1"]], order=["id DESC"]. */
const seedPlan: TreePlan = {
  table: testTable,
  parentField: 'parent_id',
  columns: ['id', 'name', 'quantity', 'parent_id'],
  where: readWhere(new Map([['where', '[["id", ">=", "1"]]']])),
  order: parseOrder('["id DESC"]'),
};

describe('tree level statements', () => {
  it('renders the seed’s two levels as T-SQL', () => {
    const level = treeLevelQuery(seedPlan, mssqlDialect);
    expect(level.statements([0]).map((q) => render(q, mssqlDialect))).toEqual([
      {
        text: 'SELECT [id], [name], [quantity], [parent_id] FROM [TestTable] WHERE [parent_id] IN (@p1) AND ([id] >= @p2) ORDER BY [parent_id] ASC, [id] DESC',
        params: [0, 1],
      },
    ]);
    expect(level.statements([8, 5]).map((q) => render(q, mssqlDialect))).toEqual([
      {
        text: 'SELECT [id], [name], [quantity], [parent_id] FROM [TestTable] WHERE [parent_id] IN (@p1, @p2) AND ([id] >= @p3) ORDER BY [parent_id] ASC, [id] DESC',
        params: [8, 5, 1],
      },
    ]);
  });

  it('renders the same statement for MySQL', () => {
    const [q] = treeLevelQuery(seedPlan, mysqlDialect).statements([8, 5]);
    expect(render(q!, mysqlDialect)).toEqual({
      text: 'SELECT `id`, `name`, `quantity`, `parent_id` FROM `TestTable` WHERE `parent_id` IN (?, ?) AND (`id` >= ?) ORDER BY `parent_id` ASC, `id` DESC',
      params: [8, 5, 1],
    });
  });

  it('orders by id without an order, and randomly with RAND', () => {
    const plain: TreePlan = { ...seedPlan, columns: ['name', 'id', 'parent_id'], where: readWhere(new Map()), order: [] };
    expect(render(treeLevelQuery(plain, mssqlDialect).statements([3])[0]!, mssqlDialect)).toEqual({
      text: 'SELECT [name], [id], [parent_id] FROM [TestTable] WHERE [parent_id] IN (@p1) ORDER BY [parent_id] ASC, [id] ASC',
      params: [3],
    });
    const random = { ...plain, order: parseOrder('["RAND"]') };
    expect(render(treeLevelQuery(random, mssqlDialect).statements([3])[0]!, mssqlDialect).text).toBe(
      'SELECT [name], [id], [parent_id] FROM [TestTable] WHERE [parent_id] IN (@p1) ORDER BY [parent_id] ASC, NEWID()',
    );
  });

  it('splits a wide level under SQL Server’s parameter limit, leaving room for the where', () => {
    const ids = Array.from({ length: 4500 }, (_, i) => i + 1);
    const statements = treeLevelQuery(seedPlan, mssqlDialect).statements(ids).map((q) => render(q, mssqlDialect));
    const room = mssqlDialect.maxParams - 1;
    // The last, shorter list is padded to a power of two (503 → 512) by repeating its last id.
    const rest = 4500 - 2 * room;
    expect(statements.map((s) => s.params.length)).toEqual([room + 1, room + 1, 512 + 1]);
    expect(statements.slice(0, 2).flatMap((s) => s.params.slice(0, -1))).toEqual(ids.slice(0, 2 * room));
    expect(statements[2]!.params.slice(0, -1)).toEqual([...ids.slice(2 * room), ...Array<number>(512 - rest).fill(4500)]);
    for (const s of statements) expect(s.params.at(-1)).toBe(1);
  });

  it('keeps one fingerprint per shape: the loader key', () => {
    const a = treeLevelQuery(seedPlan, mssqlDialect).fingerprint;
    expect(treeLevelQuery({ ...seedPlan }, mssqlDialect).fingerprint).toBe(a);
    expect(treeLevelQuery({ ...seedPlan, order: parseOrder('["id ASC"]') }, mssqlDialect).fingerprint).not.toBe(a);
    expect(treeLevelQuery({ ...seedPlan, where: readWhere(new Map([['where', '[["id", ">=", "2"]]']])) }, mssqlDialect).fingerprint).not.toBe(a);
  });
});
