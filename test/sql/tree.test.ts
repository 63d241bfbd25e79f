/**
 * SQL snapshots of the FreeTree fixtures (test/tree): the seed's two requests on the legacy
 * face and the same tree on the GraphQL face, over a registered db_mark of each kind. Both the
 * main store and the db_mark's store are observed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/db/open.js';
import type { Store } from '../../src/db/store.js';
import { useServer } from '../support/server.js';
import { freshDatabase, storeKinds, type FreshDatabase } from '../support/stores.js';
import { createSeedTable, SEED_PARAMS } from '../tree/fixtures.js';
import { expectSnapshot, transcript } from './support.js';

const kinds = await storeKinds();

const TREE = `query Tree($db: String!, $table: String!, $parentField: String, $parentId: Int, $where: ConditionsInput, $order: [OrderByInput!]) {
  freeTree(db: $db, table: $table, parentField: $parentField, parentId: $parentId, where: $where, order: $order) {
    __typename
    ... on QueryFreeTreeSuccess { data { id parentId values children { id parentId values children { id } } } }
    ... on BusinessError { errCode message }
  }
}`;

describe.each(kinds)('FreeTree SQL over a %s db_mark', (kind) => {
  const t = useServer(kind);
  let owner: FreshDatabase;
  let stores: () => Record<string, Store>;

  beforeAll(async () => {
    owner = await freshDatabase(kind);
    const setup = openStore(owner.url);
    try {
      await createSeedTable(setup);
    } finally {
      await setup.close();
    }
    await t.rt.databases.add(t.app.id, 'db_test', owner.url, '', { operator: true });
    const dbTest = (await t.rt.databases.resolve(t.app.id, 'db_test'))!.store;
    stores = () => ({ main: t.rt.main, db_test: dbTest });
  });
  afterAll(async () => {
    await owner?.drop();
  });

  it.each([
    ['tree-legacy-level-one', 0],
    ['tree-legacy-level-two', 8],
  ])('legacy %s', async (name, parentId) => {
    const { result, sql } = await transcript(stores(), () => t.legacy({ ...SEED_PARAMS, parent_id: parentId }));
    expect(result.ret).toBe(200);
    await expectSnapshot(sql, name, kind);
  });

  it('GraphQL freeTree of the seed', async () => {
    const variables = {
      db: 'db_test',
      table: 'TestTable',
      parentField: 'parent_id',
      where: { conditions: [{ field: 'id', op: 'GE', value: '1' }] },
      order: [{ column: 'id', direction: 'DESC' }],
    };
    const { result, sql } = await transcript(stores(), () => t.graphql<{ freeTree: { __typename: string } }>(TREE, variables));
    expect(result.data?.freeTree.__typename).toBe('QueryFreeTreeSuccess');
    await expectSnapshot(sql, 'tree-graphql', kind);
  });
});
