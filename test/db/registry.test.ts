/** db_mark registrations: sealed at rest, redacted when shown, scoped per app, pooled. */
import mysql from 'mysql2/promise';
import { describe, expect, it } from 'vitest';
import { sql } from '../../src/db/sql.js';
import { SecretBox } from '../../src/crypto.js';
import { DatabaseConfigError, DatabaseRegistry } from '../../src/db/registry.js';
import { parseAllowList } from '../../src/db/target-policy.js';
import { useServer } from '../support/server.js';
import { freshDatabase, MYSQL_URL, storeKinds } from '../support/stores.js';

const kinds = await storeKinds();

describe.each(kinds)('database registry with a %s main store', (kind) => {
  const t = useServer(kind);

  it('registers a SQLite file for the operator only, scoped to one app', async () => {
    const owner = await freshDatabase('sqlite');
    try {
      await expect(t.rt.databases.add(t.app.id, 'file_db', owner.url)).rejects.toThrow(DatabaseConfigError);
      const db = await t.rt.databases.add(t.app.id, 'file_db', owner.url, 'p_', { operator: true });
      expect(db).toMatchObject({ dbMark: 'file_db', engine: 'sqlite', tablePrefix: 'p_' });
      const resolved = await t.rt.databases.resolve(t.app.id, 'file_db');
      expect(resolved?.store.dialect.name).toBe('sqlite');
      // The same pooled store on the next request.
      expect((await t.rt.databases.resolve(t.app.id, 'file_db'))?.store).toBe(resolved?.store);
      const other = await t.newApp();
      expect(await t.rt.databases.resolve(other.id, 'file_db')).toBeNull();
      await expect(t.rt.databases.add(t.app.id, 'file_db', owner.url, '', { operator: true })).rejects.toThrow(/already registered/);
    } finally {
      await owner.drop();
    }
  });

  it('lets exactly one of concurrent registrations of one db_mark through', async () => {
    const owner = await freshDatabase('sqlite');
    try {
      const results = await Promise.allSettled(
        Array.from({ length: 5 }, () => t.rt.databases.add(t.app.id, 'raced_db', owner.url, '', { operator: true })),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')) {
        expect(r.reason).toBeInstanceOf(DatabaseConfigError);
        expect((r.reason as Error).message).toBe('db_mark raced_db is already registered');
      }
      expect((await t.rt.databases.list(t.app.id)).filter((d) => d.dbMark === 'raced_db')).toHaveLength(1);
    } finally {
      await owner.drop();
    }
  });

  it('refuses bad marks, prefixes, URLs and missing files before touching anything', async () => {
    for (const [mark, url, prefix] of [
      ['bad mark', 'sqlite:/tmp/x.db', ''],
      ['ok', 'sqlite:/tmp/x.db', 'bad-prefix'],
      ['ok', 'postgres://h/db', ''],
      ['ok', 'sqlite:/tmp/no-such-dir-yesgraph/missing.db', ''],
    ] as const) {
      await expect(t.rt.databases.add(t.app.id, mark, url, prefix, { operator: true })).rejects.toThrow(DatabaseConfigError);
    }
    // A server that does not answer is refused too, with the cause for the operator.
    await expect(t.rt.databases.add(t.app.id, 'ok', 'mysql://root@127.0.0.1:1/nope', '', { operator: true })).rejects.toThrow(
      /does not answer: .*ECONNREFUSED/,
    );
    expect(await t.rt.databases.list(t.app.id)).toEqual(expect.not.arrayContaining([expect.objectContaining({ dbMark: 'ok' })]));
  });

  it.skipIf(!kinds.includes('mysql'))('holds API callers to the address policy; the operator may register any host', async () => {
    const limited = new DatabaseRegistry(t.rt.main, new SecretBox('another-test-secret-key'), { allow: parseAllowList('db.internal,[::1]:3306'), allowPublic: true });
    const target = await freshDatabase('mysql');
    try {
      const url = target.url.replace('localhost', '127.0.0.1');
      await expect(limited.add(t.app.id, 'hosted_db', url)).rejects.toThrow('127.0.0.1 resolves to 127.0.0.1, which is not public and not in YESGRAPH_DB_ALLOW');
      expect(await limited.list(t.app.id)).toEqual(expect.not.arrayContaining([expect.objectContaining({ dbMark: 'hosted_db' })]));
      await expect(limited.add(t.app.id, 'hosted_db', url, '', { operator: true })).resolves.toMatchObject({ dbMark: 'hosted_db', engine: 'mysql' });
    } finally {
      await limited.closeAll();
      await target.drop();
    }
  });

  it.skipIf(!kinds.includes('mysql'))('seals a password-protected MariaDB URL and shows it redacted', async () => {
    const target = await freshDatabase('mysql');
    const name = new URL(target.url).pathname.slice(1);
    const admin = await mysql.createConnection({ uri: MYSQL_URL });
    await admin.query(`CREATE USER IF NOT EXISTS 'yg_reader'@'%' IDENTIFIED BY 'hunter2-secret'`);
    await admin.query(`CREATE USER IF NOT EXISTS 'yg_reader'@'localhost' IDENTIFIED BY 'hunter2-secret'`);
    await admin.query(`GRANT ALL ON \`${name}\`.* TO 'yg_reader'@'%'`);
    await admin.query(`GRANT ALL ON \`${name}\`.* TO 'yg_reader'@'localhost'`);
    await admin.end();
    try {
      const url = `mysql://yg_reader:hunter2-secret@127.0.0.1:3306/${name}`;
      const db = await t.rt.databases.add(t.app.id, 'pw_db', url);
      expect(db.urlRedacted).toBe(`mysql://yg_reader:***@127.0.0.1:3306/${name}`);
      const rows = await t.rt.main.query<Record<string, unknown>>(sql`SELECT * FROM yg_database WHERE db_mark = ${'pw_db'}`);
      expect(JSON.stringify(rows)).not.toContain('hunter2');
      const resolved = await t.rt.databases.resolve(t.app.id, 'pw_db');
      await expect(resolved!.store.ping()).resolves.toBeUndefined();
      await expect(t.rt.databases.add(t.app.id, 'pw_bad', url.replace('hunter2-secret', 'wrong'))).rejects.toThrow(/does not answer: Access denied/);
    } finally {
      await target.drop();
    }
  });
});

describe.each(kinds)('a registration made by another process (%s main store)', (kind) => {
  const t = useServer(kind);

  it('is seen on the next call: an unknown db_mark is not cached', async () => {
    const owner = await freshDatabase('sqlite');
    const cli = new DatabaseRegistry(t.rt.main, new SecretBox('test-secret-key-0123456789'));
    try {
      expect(await t.rt.databases.resolve(t.app.id, 'late_db')).toBeNull();
      await cli.add(t.app.id, 'late_db', owner.url, '', { operator: true });
      expect(await t.rt.databases.resolve(t.app.id, 'late_db')).toMatchObject({ dbMark: 'late_db' });
    } finally {
      await cli.closeAll();
      await owner.drop();
    }
  });
});
