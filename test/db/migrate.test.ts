import { describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/migrate.js';
import { MIGRATIONS } from '../../src/db/migrations/index.js';
import { openStore } from '../../src/db/open.js';
import { sql } from '../../src/db/sql.js';
import { freshDatabase, storeKinds, useStore } from '../support/stores.js';

const kinds = await storeKinds();

describe.each(kinds)('migrations on %s', (kind) => {
  const db = useStore(kind);

  it('apply once, in order, and are a no-op the second time', async () => {
    expect(await migrate(db.store)).toEqual(MIGRATIONS.map((m) => m.id));
    expect(await migrate(db.store)).toEqual([]);
    const ledger = await db.store.query<{ id: string }>(sql`SELECT id FROM yg_migration ORDER BY id`);
    expect(ledger.map((r) => r.id)).toEqual(MIGRATIONS.map((m) => m.id));
    expect(await db.store.columns('yg_app')).not.toBeNull();
  });

  it('a failing migration leaves no ledger row and can be retried', async () => {
    const broken = { id: '999_broken', sqlite: ['CREATE TABLE yg_tmp (id INT)', 'NOT SQL'], mysql: ['CREATE TABLE yg_tmp (id INT)', 'NOT SQL'] };
    await expect(migrate(db.store, [...MIGRATIONS, broken])).rejects.toThrow();
    const ledger = await db.store.query<{ id: string }>(sql`SELECT id FROM yg_migration WHERE id = ${'999_broken'}`);
    expect(ledger).toEqual([]);
  });
});

describe.skipIf(!kinds.includes('mysql'))('migrations from several instances at once (MariaDB)', () => {
  it('apply each migration exactly once', async () => {
    const fresh = await freshDatabase('mysql');
    const stores = Array.from({ length: 4 }, () => openStore(fresh.url));
    try {
      const applied = await Promise.all(stores.map((s) => migrate(s)));
      expect(applied.flat().sort()).toEqual(MIGRATIONS.map((m) => m.id).sort());
    } finally {
      await Promise.all(stores.map((s) => s.close()));
      await fresh.drop();
    }
  });
});
