/** Hosted tables for the table suites: defined as the CLI defines them, rows inserted in bulk. */
import { ident, join, param, sql } from '../../src/db/sql.js';
import type { Store } from '../../src/db/store.js';
import { parseColumnSpec, TableRecords, type HostedTable } from '../../src/records/tables.js';
import type { Envelope, TestServer } from '../support/server.js';

export function defineTable(main: Store, appId: number, name: string, specs: string[], indexes: string[] = []): Promise<HostedTable> {
  return new TableRecords(main).create(appId, name, specs.map(parseColumnSpec), indexes);
}

/** Inserts rows (same keys each) in batches; answers nothing. */
export async function insertRows(main: Store, physical: string, rows: ReadonlyArray<Record<string, unknown>>): Promise<void> {
  if (!rows.length) return;
  const names = Object.keys(rows[0]!);
  for (let i = 0; i < rows.length; i += 2000) {
    const batch = rows.slice(i, i + 2000).map((r) => sql`(${join(names.map((n) => param(r[n])))})`);
    await main.execute(sql`INSERT INTO ${ident(physical)} (${join(names.map((n) => ident(n)))}) VALUES ${join(batch)}`);
  }
}

export function pop(t: TestServer, params: Record<string, string | number>, options: Parameters<TestServer['legacy']>[1] = {}): Promise<Envelope> {
  return t.legacy({ s: 'App.Table.FreePopOne', ...params }, options);
}
