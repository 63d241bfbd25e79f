import { describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/migrate.js';
import { MIGRATIONS } from '../../src/db/migrations/index.js';
import type { Migration } from '../../src/db/migrations/types.js';
import { openStore } from '../../src/db/open.js';
import { sql } from '../../src/db/sql.js';
import type { Store } from '../../src/db/store.js';
import { freshDatabase, storeKinds, useStore, type StoreKind } from '../support/stores.js';

const kinds = await storeKinds();
const ids = MIGRATIONS.map((m) => m.id);

const ledger = async (store: Store) => (await store.query<{ id: string }>(sql`SELECT id FROM yg_migration ORDER BY id`)).map((r) => r.id);

describe.each(kinds)('migrations on %s', (kind) => {
  const db = useStore(kind);

  it('apply once, in order, and are a no-op the second time', async () => {
    expect(await migrate(db.store)).toEqual(ids);
    expect(await migrate(db.store)).toEqual([]);
    expect(await ledger(db.store)).toEqual(ids);
    expect(await db.store.columns('yg_app')).not.toBeNull();
  });

  it('a migration whose second statement fails is recorded nowhere, and completes once fixed', async () => {
    const create = 'CREATE TABLE yg_tmp (id INT)';
    const typo = 'ALTER TABLE yg_tmpp ADD name VARCHAR(8)';
    const broken: Migration = { id: '999_broken', sqlite: [create, typo], mysql: [create, typo] };
    await expect(migrate(db.store, [...MIGRATIONS, broken])).rejects.toThrow(/^migration 999_broken, statement 2 of 2: /);
    expect(await ledger(db.store)).toEqual(ids);
    if (db.store.dialect.supportsTransactionalDdl) {
      // Rolled back with the run.
      expect(await db.store.columns('yg_tmp')).toBeNull();
    } else {
      // MySQL committed the first statement: its progress is recorded.
      expect(await db.store.columns('yg_tmp')).not.toBeNull();
      expect(await db.store.query(sql`SELECT id, step FROM yg_migration_step`)).toEqual([{ id: '999_broken', step: 1 }]);
    }

    const alter = 'ALTER TABLE yg_tmp ADD name VARCHAR(8)';
    const fixed: Migration = { id: '999_broken', sqlite: [create, alter], mysql: [create, alter] };
    expect(await migrate(db.store, [...MIGRATIONS, fixed])).toEqual(['999_broken']);
    expect(await ledger(db.store)).toEqual([...ids, '999_broken']);
    expect((await db.store.columns('yg_tmp'))?.columns.map((c) => c.name)).toEqual(['id', 'name']);
    if (!db.store.dialect.supportsTransactionalDdl) expect(await db.store.query(sql`SELECT id FROM yg_migration_step`)).toEqual([]);
    expect(await migrate(db.store, [...MIGRATIONS, fixed])).toEqual([]);
  });

  it('refuses a malformed migration id before touching the store', async () => {
    const bad: Migration = { id: '1000_x; DROP TABLE yg_app', sqlite: [], mysql: [] };
    await expect(migrate(db.store, [...MIGRATIONS, bad])).rejects.toThrow('bad migration id 1000_x; DROP TABLE yg_app');
    expect(await ledger(db.store)).toEqual([...ids, '999_broken']);
  });
});

describe.each(kinds)('migrations from several instances at once (%s)', (kind: StoreKind) => {
  it('apply each migration exactly once', async () => {
    const fresh = await freshDatabase(kind);
    const stores = Array.from({ length: 4 }, () => openStore(fresh.url));
    try {
      const applied = await Promise.all(stores.map((s) => migrate(s)));
      expect(applied.flat().sort()).toEqual([...ids].sort());
      expect(await ledger(stores[0]!)).toEqual(ids);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
      await fresh.drop();
    }
  });
});
