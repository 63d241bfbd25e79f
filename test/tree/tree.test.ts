/**
 * FreeTree on both faces over an owner's database of each available kind (SQLite, MariaDB),
 * registered as a db_mark: the seed's answers, round trips per level, cycles, bad input.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/db/open.js';
import { integerValue, textValue } from '../../src/operations/direct-table.js';
import { ident, sql } from '../../src/db/sql.js';
import type { Store } from '../../src/db/store.js';
import { useServer, type Envelope } from '../support/server.js';
import { countStatements, freshDatabase, storeKinds, type FreshDatabase } from '../support/stores.js';
import { createSeedTable, createTable, SEED_LEVEL_ONE, SEED_LEVEL_TWO, SEED_PARAMS, treeRows } from './fixtures.js';

const kinds = await storeKinds();

const TREE = `query Tree($db: String!, $table: String!, $parentField: String, $parentId: Int, $where: ConditionsInput, $select: [String!], $order: [OrderByInput!]) {
  freeTree(db: $db, table: $table, parentField: $parentField, parentId: $parentId, where: $where, select: $select, order: $order) {
    __typename
    ... on QueryFreeTreeSuccess { data { id parentId values children { id parentId values children { id } } } }
    ... on BusinessError { errCode message }
  }
}`;

interface GqlNode {
  id: number;
  parentId: number | null;
  values?: Record<string, unknown>;
  children?: GqlNode[];
}
type TreeResult = { freeTree: { __typename: string; data?: GqlNode[]; errCode?: number; message?: string } };

/** `freeTree { id children { id children { … } } }` nested to `levels` node levels. */
function nestedQuery(levels: number): string {
  let selection = 'id';
  for (let i = 1; i < levels; i++) selection = `id children { ${selection} }`;
  return `query Deep($db: String!, $table: String!) {
  freeTree(db: $db, table: $table) { __typename ... on QueryFreeTreeSuccess { data { ${selection} } } }
}`;
}

function countNodes(nodes: GqlNode[]): number {
  return nodes.reduce((n, node) => n + 1 + countNodes(node.children ?? []), 0);
}

describe.each(kinds)('FreeTree over a %s db_mark', (kind) => {
  const t = useServer(kind);
  let owner: FreshDatabase;
  let setup: Store;
  let direct: Store;
  const levelSizes = [5, 20, 75, 200, 600, 1100];

  beforeAll(async () => {
    owner = await freshDatabase(kind);
    setup = openStore(owner.url);
    await createSeedTable(setup);
    await createTable(setup, 'BigTree', { name: 'VARCHAR(20) NOT NULL', parent_id: 'INT NOT NULL' }, treeRows(levelSizes));
    await createTable(setup, 'Cyclic', { name: 'VARCHAR(20) NULL', parent_id: 'INT NULL' }, [
      [1, 'one', 2],
      [2, 'two', 1],
      [3, 'self', 3],
    ]);
    await createTable(setup, 'Clash', { parent_id: 'INT NULL', children_tree: 'VARCHAR(20) NULL' });
    await setup.execute(sql`CREATE TABLE ${ident('NoId')} (${ident('code')} VARCHAR(10), ${ident('parent_id')} INT)`);
    await createTable(
      setup,
      'Kinds',
      { price: 'DECIMAL(10,2) NULL', made: 'DATETIME NULL', ratio: 'DOUBLE NULL', label: 'VARCHAR(10) NULL', up: 'BIGINT NULL' },
      [
        [1, '12.50', '2024-01-02 03:04:05', 0.5, 'top', 0],
        [2, null, null, null, null, 1],
        [3, '-7.25', '1999-12-31 23:59:59', 1e21, '下', 1],
      ],
    );
    await createTable(setup, 'pre_Prefixed', { name: 'VARCHAR(20) NULL', parent_id: 'INT NULL' }, [[1, 'under prefix', 0]]);
    await t.rt.databases.add(t.app.id, 'db_test', owner.url, '', { operator: true });
    await t.rt.databases.add(t.app.id, 'db_pre', owner.url, 'pre_', { operator: true });
    direct = (await t.rt.databases.resolve(t.app.id, 'db_test'))!.store;
  });
  afterAll(async () => {
    await setup?.close();
    await owner?.drop();
  });

  const tree = (params: Record<string, string | number>) => t.legacy({ ...SEED_PARAMS, ...params });

  it('answers the seed’s first request exactly', async () => {
    const env = await tree({ parent_id: 0 });
    expect(env.ret).toBe(200);
    expect(JSON.stringify(env.data)).toBe(JSON.stringify(SEED_LEVEL_ONE));
  });

  it('answers the seed’s second request exactly', async () => {
    const env = await tree({ parent_id: 8 });
    expect(JSON.stringify(env.data)).toBe(JSON.stringify(SEED_LEVEL_TWO));
  });

  it('reads two levels in two statements, whatever the breadth', async () => {
    const bigTree = () => t.legacy({ s: 'App.DB_MsSQL_Data.FreeTree', model_name: 'BigTree', db_mark: 'db_test' });
    await bigTree(); // reads the columns, which the store then caches
    const { result, statements } = await countStatements(direct, bigTree);
    const top = result.data.tree as Array<{ children_tree: unknown[] }>;
    expect(top).toHaveLength(5);
    expect(top.reduce((n, node) => n + node.children_tree.length, 0)).toBe(20);
    expect(statements).toHaveLength(2);
  });

  it('answers every other column as text and the id and parent field as numbers, on both faces', async () => {
    const raw = await setup.query<Record<string, unknown>>(sql`SELECT * FROM ${ident('Kinds')} ORDER BY ${ident('id')}`);
    // The platform's typing of each value (src/operations/direct-table.ts), applied to the rows as the engine hands them over.
    const typed = raw.map((r) => ({
      id: integerValue(r.id),
      price: textValue(r.price),
      made: textValue(r.made),
      ratio: textValue(r.ratio),
      label: textValue(r.label),
      up: integerValue(r.up),
    }));
    expect(typed[0]).toMatchObject({ id: 1, made: '2024-01-02 03:04:05', label: 'top', up: 0 });
    expect(typeof typed[0]!.price).toBe('string');
    expect(typeof typed[2]!.ratio).toBe('string');
    const env = await t.legacy({ s: 'App.DB_MsSQL_Data.FreeTree', model_name: 'Kinds', db_mark: 'db_test', parent_field: 'up' });
    expect(env.data.tree).toEqual([{ ...typed[0], children_tree: [typed[1], typed[2]] }]);
    const res = await t.graphql<TreeResult>(TREE, { db: 'db_test', table: 'Kinds', parentField: 'up' });
    expect(res.errors).toBeUndefined();
    expect(res.data!.freeTree.data).toEqual([
      { id: 1, parentId: 0, values: typed[0], children: [2, 3].map((id, i) => ({ id, parentId: 1, values: typed[i + 1], children: [] })) },
    ]);
  });

  it('answers the selected columns, then id and the parent field; defaults to parent_id=0 and id order', async () => {
    const env = await t.legacy({ s: 'App.DB_MsSQL_Data.FreeTree', model_name: 'TestTable', db_mark: 'db_test', select: 'quantity' });
    expect(env.data.tree).toEqual([
      { quantity: '674', id: 5, parent_id: 0, children_tree: [] },
      {
        quantity: '131',
        id: 8,
        parent_id: 0,
        children_tree: [
          { quantity: '131', id: 9, parent_id: 8 },
          { quantity: '10', id: 10, parent_id: 8 },
        ],
      },
    ]);
  });

  it('applies the filter to both levels and honours where_X', async () => {
    const env = await tree({ parent_id: 0, where_quantity: 'GE-100' });
    expect(env.data.tree).toEqual([
      { id: 8, name: '小白V8', quantity: '131', parent_id: 0, children_tree: [{ id: 9, name: '小白接口V5', quantity: '131', parent_id: 8 }] },
      { id: 5, name: '小白接口V5', quantity: '674', parent_id: 0, children_tree: [] },
    ]);
  });

  it('puts the db_mark’s table_prefix in front of model_name', async () => {
    const env = await t.legacy({ s: 'App.DB_MsSQL_Data.FreeTree', model_name: 'Prefixed', db_mark: 'db_pre' });
    expect(env.data.tree).toEqual([{ id: 1, name: 'under prefix', parent_id: 0, children_tree: [] }]);
  });

  it('gives the GraphQL face the same trees', async () => {
    const res = await t.graphql<TreeResult>(TREE, {
      db: 'db_test',
      table: 'TestTable',
      where: { conditions: [{ field: 'id', op: 'GE', value: '1' }] },
      order: [{ column: 'id', direction: 'DESC' }],
    });
    expect(res.errors).toBeUndefined();
    const legacy = (await tree({ parent_id: 0 })).data.tree as Array<Record<string, unknown> & { children_tree: unknown[] }>;
    const nodes = res.data!.freeTree.data!;
    expect(nodes.map((n) => n.values)).toEqual(legacy.map(({ children_tree: _c, ...values }) => values));
    expect(nodes.map((n) => n.children!.map((c) => c.values))).toEqual(legacy.map((n) => n.children_tree));
    expect(nodes[0]).toMatchObject({ id: 8, parentId: 0, children: [{ id: 10, parentId: 8, children: [] }, { id: 9, parentId: 8, children: [] }] });
  });

  it('answers one column with value(column:) and refuses one outside the selection', async () => {
    const q = `{ freeTree(db: "db_test", table: "TestTable", parentId: 8, select: ["name"]) {
      ... on QueryFreeTreeSuccess { data { id name: value(column: "name") } } } }`;
    const res = await t.graphql<{ freeTree: { data: Array<{ id: number; name: unknown }> } }>(q);
    expect(res.data?.freeTree.data).toEqual([
      { id: 9, name: '小白接口V5' },
      { id: 10, name: '小白接口V5' },
    ]);
    const bad = await t.graphql(`{ freeTree(db: "db_test", table: "TestTable", select: ["name"]) {
      ... on QueryFreeTreeSuccess { data { quantity: value(column: "quantity") } } } }`);
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    expect(bad.errors?.[0]?.message).toContain('quantity');
  });

  it('reads a tree of depth 6 and 2,000 nodes in 6 statements, one per level', async () => {
    const query = nestedQuery(levelSizes.length);
    await t.graphql(query, { db: 'db_test', table: 'BigTree' });
    const { result, statements } = await countStatements(direct, () =>
      t.graphql<{ freeTree: { data: GqlNode[] } }>(query, { db: 'db_test', table: 'BigTree' }),
    );
    expect(result.errors).toBeUndefined();
    expect(countNodes(result.data!.freeTree.data)).toBe(2000);
    expect(statements).toHaveLength(levelSizes.length);
    // Each level asks for every parent of the level above at once, in a list padded to a power
    // of two (so that levels of every size share a few prepared statements).
    const idsPerStatement = statements.map((s) => (/IN \(([^)]*)\)/.exec(s)?.[1] ?? '').split(',').length);
    expect(idsPerStatement).toEqual([1, 5, 32, 128, 256, 1024]);
  });

  it('never loops on cycles: each id appears once per answer', async () => {
    const legacy = await t.legacy({ s: 'App.DB_MsSQL_Data.FreeTree', model_name: 'Cyclic', db_mark: 'db_test', parent_id: 1 });
    expect(legacy.data.tree).toEqual([{ id: 2, name: 'two', parent_id: 1, children_tree: [{ id: 1, name: 'one', parent_id: 2 }] }]);
    const self = await t.legacy({ s: 'App.DB_MsSQL_Data.FreeTree', model_name: 'Cyclic', db_mark: 'db_test', parent_id: 3 });
    expect(self.data.tree).toEqual([{ id: 3, name: 'self', parent_id: 3, children_tree: [] }]);

    const deep = await t.graphql<{ freeTree: { data: GqlNode[] } }>(
      `{ freeTree(db: "db_test", table: "Cyclic", parentId: 1) { ... on QueryFreeTreeSuccess { data {
        id children { id children { id children { id children { id } } } } } } } }`,
    );
    expect(deep.data?.freeTree.data).toEqual([{ id: 2, children: [{ id: 1, children: [] }] }]);
    const own = await t.graphql<{ freeTree: { data: GqlNode[] } }>(
      `{ freeTree(db: "db_test", table: "Cyclic", parentId: 3) { ... on QueryFreeTreeSuccess { data { id children { id children { id } } } } } }`,
    );
    expect(own.data?.freeTree.data).toEqual([{ id: 3, children: [] }]);
  });

  describe('bad input changes nothing and says why', () => {
    let before: unknown[];
    beforeAll(async () => {
      before = await setup.query(sql`SELECT * FROM ${ident('TestTable')} ORDER BY id`);
    });

    function expectBusiness(env: Envelope, message: string | RegExp): void {
      expect(env.ret).toBe(200);
      expect(env.data.err_code).toBe(1);
      expect(env.data.err_msg).toMatch(message);
      expect(env.data.err_msg).not.toMatch(/SELECT|FROM|pragma|information_schema/i);
    }

    function expectBadRequest(env: Envelope, message: string | RegExp): void {
      expect(env.ret).toBe(400);
      expect(env.data).toEqual({});
      expect(env.msg).toMatch(/^客户端非法请求：/);
      expect(env.msg).toMatch(message);
    }

    it('unknown db_mark: err_code 1', async () => {
      expectBusiness(await tree({ db_mark: 'db_nope' }), '数据库代号db_mark=db_nope不存在，请先添加数据库连接配置');
    });

    it('another app’s db_mark: the same err_code 1, both ways', async () => {
      const other = await t.newApp();
      await t.rt.databases.add(other.id, 'db_other', owner.url, '', { operator: true });
      expectBusiness(await tree({ db_mark: 'db_other' }), '数据库代号db_mark=db_other不存在，请先添加数据库连接配置');
      expectBusiness(await t.legacy({ ...SEED_PARAMS }, { app: other }), '数据库代号db_mark=db_test不存在，请先添加数据库连接配置');
      const gql = await t.graphql<TreeResult>(TREE, { db: 'db_test', table: 'TestTable' }, { app: other });
      expect(gql.data?.freeTree).toEqual({ __typename: 'BusinessError', errCode: 1, message: '数据库代号db_mark=db_test不存在，请先添加数据库连接配置' });
    });

    it('missing table: err_code 1', async () => {
      expectBusiness(await tree({ model_name: 'NoSuchTable' }), '表NoSuchTable不存在');
    });

    it('a table without an integer id: err_code 1', async () => {
      expectBusiness(await tree({ model_name: 'NoId', where: '[]', order: '[]' }), '表NoId需要整数主键id');
    });

    it('a children_tree column: err_code 1', async () => {
      expectBusiness(await tree({ model_name: 'Clash', where: '[]' }), /children_tree/);
    });

    it('parent_field not an integer column, or missing: err_code 1', async () => {
      expectBusiness(await tree({ parent_field: 'name' }), 'parent_field=name必须是整数类型的字段');
      expectBusiness(await tree({ parent_field: 'nope' }), '表TestTable没有字段nope');
    });

    it('parent_field not an identifier: 400', async () => {
      expectBadRequest(await tree({ parent_field: 'parent_id; --' }), 'parent_field不是合法的字段名');
    });

    it('parent_id not an integer: 400', async () => {
      expectBadRequest(await tree({ parent_id: '1 OR 1=1' }), 'parent_id应该是整数, 但现在parent_id = 1 OR 1=1');
      const gql = await t.graphql(`{ freeTree(db: "db_test", table: "TestTable", parentId: "8") { __typename } }`);
      expect(gql.errors?.[0]?.message).toMatch(/Int/);
    });

    it('where on a missing column: 400', async () => {
      expectBadRequest(await tree({ where: '[["nope", "=", 1]]' }), '参数where中的字段 nope 不存在');
      expectBadRequest(await tree({ where_nope: 'GT-1' }), '参数where_nope中的字段 nope 不存在');
      const gql = await t.graphql<TreeResult>(TREE, { db: 'db_test', table: 'TestTable', where: { conditions: [{ field: 'nope', op: 'EQ', value: 1 }] } });
      expect(gql.errors?.[0]).toMatchObject({ message: '客户端非法请求：参数where中的字段 nope 不存在', extensions: { code: 'BAD_REQUEST' } });
    });

    it('select of a missing column: 400', async () => {
      expectBadRequest(await tree({ select: 'name,nope' }), '参数select中的字段 nope 不存在');
      const gql = await t.graphql<TreeResult>(TREE, { db: 'db_test', table: 'TestTable', select: ['nope'] });
      expect(gql.errors?.[0]).toMatchObject({ message: '客户端非法请求：参数select中的字段 nope 不存在', extensions: { code: 'BAD_REQUEST' } });
    });

    it('order injection: 400', async () => {
      expectBadRequest(await tree({ order: '["id; DROP TABLE TestTable"]' }), '参数order中的排序 "id; DROP TABLE TestTable" 格式错误');
      const gql = await t.graphql<TreeResult>(TREE, { db: 'db_test', table: 'TestTable', order: [{ column: 'id; DROP TABLE TestTable' }] });
      expect(gql.errors?.[0]).toMatchObject({ message: '客户端非法请求：参数order中的字段 "id; DROP TABLE TestTable" 不存在', extensions: { code: 'BAD_REQUEST' } });
      const both = await t.graphql<TreeResult>(TREE, { db: 'db_test', table: 'TestTable', order: [{ column: 'id', random: true }] });
      expect(both.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    });

    it('model_name ending in _<digits>: 400', async () => {
      expectBadRequest(await tree({ model_name: 'TestTable_123' }), 'model_name不能以下划线加数字结尾');
    });

    it('model_name with a quote: 400', async () => {
      expectBadRequest(await tree({ model_name: "TestTable' OR '1'='1" }), 'model_name只能包含字母、数字和下划线');
      const gql = await t.graphql<TreeResult>(TREE, { db: 'db_test', table: 'Test"Table' });
      expect(gql.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    });

    it('left the owner’s table as it was', async () => {
      expect(await setup.query(sql`SELECT * FROM ${ident('TestTable')} ORDER BY id`)).toEqual(before);
    });
  });
});
