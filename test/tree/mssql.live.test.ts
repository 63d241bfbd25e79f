/**
 * The seed's FreeTree example on a real SQL Server: runs only when MSSQL_URL names one
 * (mssql://user:pass@host:1433/db?trustServerCertificate=true); tables are created and dropped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/db/open.js';
import { ident, sql } from '../../src/db/sql.js';
import type { Store } from '../../src/db/store.js';
import { useServer } from '../support/server.js';
import { countStatements } from '../support/stores.js';
import { createSeedTable, SEED_LEVEL_ONE, SEED_LEVEL_TWO } from './fixtures.js';

const MSSQL_URL = process.env.MSSQL_URL;
const TABLE = `yg_tree_p${process.pid}`; // a name ending in _<digits> would be refused

describe.skipIf(!MSSQL_URL)('FreeTree on SQL Server', () => {
  const t = useServer('sqlite');
  let setup: Store;

  beforeAll(async () => {
    setup = openStore(MSSQL_URL!);
    await setup.execute(sql`DROP TABLE IF EXISTS ${ident(TABLE)}`);
    await createSeedTable(setup, TABLE);
    await t.rt.databases.add(t.app.id, 'db_test', MSSQL_URL!);
  });
  afterAll(async () => {
    await setup?.execute(sql`DROP TABLE IF EXISTS ${ident(TABLE)}`);
    await setup?.close();
  });

  const tree = (parentId: number) =>
    t.legacy({
      s: 'App.DB_MsSQL_Data.FreeTree',
      model_name: TABLE,
      db_mark: 'db_test',
      parent_field: 'parent_id',
      parent_id: parentId,
      where: '[["id", ">=", "1"]]',
      order: '["id DESC"]',
    });

  it('answers both seed requests exactly, two statements each', async () => {
    await tree(0);
    const direct = (await t.rt.databases.resolve(t.app.id, 'db_test'))!.store;
    const { result, statements } = await countStatements(direct, () => tree(0));
    expect(JSON.stringify(result.data)).toBe(JSON.stringify(SEED_LEVEL_ONE));
    expect(statements).toHaveLength(2);
    expect(JSON.stringify((await tree(8)).data)).toBe(JSON.stringify(SEED_LEVEL_TWO));
  });

  it('nests children on the GraphQL face', async () => {
    const res = await t.graphql<{ freeTree: { data: unknown } }>(
      `{ freeTree(db: "db_test", table: "${TABLE}", order: [{ column: "id", direction: DESC }]) {
        ... on QueryFreeTreeSuccess { data { id children { id children { id } } } } } }`,
    );
    expect(res.data?.freeTree.data).toEqual([
      { id: 8, children: [{ id: 10, children: [] }, { id: 9, children: [] }] },
      { id: 5, children: [] },
    ]);
  });
});
