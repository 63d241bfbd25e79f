/** App records: secrets sealed at rest, plain rows of older versions sealed at start, wrong key refused. */
import { describe, expect, it } from 'vitest';
import { sql } from '../../src/db/sql.js';
import { silentLogger } from '../../src/logger.js';
import { startRuntime } from '../../src/runtime.js';
import { testConfig, useServer } from '../support/server.js';
import { freshDatabase, storeKinds } from '../support/stores.js';

const kinds = await storeKinds();

describe.each(kinds)('app records on %s', (kind) => {
  const t = useServer(kind);

  it('stores neither the app secret nor the static sign in plain text', async () => {
    const app = await t.rt.appRecords.create({ name: 'sealed', signMode: 'static' });
    const [row] = await t.rt.main.query<{ app_secret: string; static_sign: string }>(
      sql`SELECT app_secret, static_sign FROM yg_app WHERE id = ${app.id}`,
    );
    expect(row!.app_secret).not.toContain(app.appSecret);
    expect(row!.app_secret).toMatch(/^v1\./);
    expect(row!.static_sign).not.toContain(app.staticSign!);
    expect((await t.rt.appRecords.findByKey(app.appKey))?.appSecret).toBe(app.appSecret);
  });

  it('seals plain secrets left by an older version, and refuses to start with another key', async () => {
    const app = await t.rt.appRecords.create({ name: 'legacy-row' });
    await t.rt.main.execute(sql`UPDATE yg_app SET app_secret = ${app.appSecret} WHERE id = ${app.id}`);
    const again = await startRuntime(testConfig(t.databaseUrl), silentLogger);
    try {
      const [row] = await again.main.query<{ app_secret: string }>(sql`SELECT app_secret FROM yg_app WHERE id = ${app.id}`);
      expect(row!.app_secret).toMatch(/^v1\./);
      expect((await again.appRecords.findByKey(app.appKey))?.appSecret).toBe(app.appSecret);
    } finally {
      await again.close();
    }
    await expect(startRuntime(testConfig(t.databaseUrl, { secretKey: 'another-key-0123456789abc' }), silentLogger)).rejects.toThrow(
      /YESGRAPH_SECRET_KEY does not open the secrets this main store holds/,
    );
  });

  it('refuses another key even when the store holds no secret yet', async () => {
    const db = await freshDatabase(kind);
    try {
      await (await startRuntime(testConfig(db.url), silentLogger)).close();
      await expect(startRuntime(testConfig(db.url, { secretKey: 'another-key-0123456789abc' }), silentLogger)).rejects.toThrow(/does not open the secrets/);
      await (await startRuntime(testConfig(db.url), silentLogger)).close();
    } finally {
      await db.drop();
    }
  });

  it('imports an app with its own keys, refusing a taken or malformed key', async () => {
    const appKey = 'ABCDEF0123456789ABCDEF01234567' + kind.slice(0, 2).toUpperCase();
    const app = await t.rt.appRecords.import({ appKey, appSecret: 'platform-secret-123', name: 'moved' });
    expect(app).toMatchObject({ appKey, appSecret: 'platform-secret-123', signMode: 'dynamic' });
    await expect(t.rt.appRecords.import({ appKey, appSecret: 'platform-secret-123' })).rejects.toThrow(/exists already/);
    await expect(t.rt.appRecords.import({ appKey: 'short', appSecret: 'platform-secret-123' })).rejects.toThrow(/32 letters/);
  });
});
