/**
 * The SQL Server driver is loaded by the first store that connects to SQL Server, not by every
 * process that opens a store (src/db/mssql.ts): checked in a new process, where nothing else has
 * loaded it, and a store without a server behind it fails as a connection, not as a load.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MssqlStore } from '../../src/db/mssql.js';
import { sql } from '../../src/db/sql.js';

const TSX = pathToFileURL(resolve('node_modules/tsx/dist/loader.mjs')).href;
const OPEN = pathToFileURL(resolve('src/db/open.ts')).href;

/** Runs `body` as an ES module in a new node process with `openStore` in scope; its stdout. */
function inNewProcess(body: string): string {
  const script = `import { createRequire } from 'node:module';
const { openStore } = await import(${JSON.stringify(OPEN)});
const loaded = () => Object.keys(createRequire(import.meta.url).cache).some((path) => /[\\\\/]node_modules[\\\\/]mssql[\\\\/]/.test(path));
${body}`;
  const r = spawnSync(process.execPath, ['--import', TSX, '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
  expect(r.stderr).toBe('');
  return r.stdout.trim();
}

describe('the SQL Server driver', () => {
  it('is not loaded with the stores, only by a SQL Server store', () => {
    const out = inNewProcess(`console.log(loaded());
const sqlite = openStore('sqlite::memory:');
console.log(loaded());
await sqlite.close();
openStore('mssql://sa:x@127.0.0.1:1/db');
console.log(loaded());`);
    expect(out.split('\n')).toEqual(['false', 'false', 'true']);
  });

  it('answers a query without a server behind it with the connection failure', async () => {
    // Port 1 on the loopback: nothing listens, so the connection is refused at once.
    const store = new MssqlStore('mssql://sa:x@127.0.0.1:1/db?encrypt=false');
    await expect(store.query(sql`SELECT 1`)).rejects.toThrow(/Failed to connect|ECONNREFUSED/);
    await store.close();
  });
});
