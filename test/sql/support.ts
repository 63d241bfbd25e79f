/**
 * SQL snapshots: the statements a request sends, as the text of a file beside the test
 * (test/sql/__snapshots__/<name>.<engine>.sql), compared with `toMatchFileSnapshot`.
 *
 * A changed statement, or one more per request (an N+1), fails the test and shows as a diff of
 * that file in review. Vitest writes a missing file on a first run (not with CI=true, where a
 * missing file fails) and never rewrites an existing one unless asked:
 *   npx vitest run test/sql -u
 */
import { expect } from 'vitest';
import type { Store } from '../../src/db/store.js';
import type { StoreKind } from '../support/stores.js';

/**
 * Runs `call` twice and returns what the second run sent to `stores`, one block per statement
 * with the store it went to and its parameter count. The first run warms the caches (the app,
 * the table's columns, the db_mark), so the text holds what every request sends.
 */
export async function transcript<T>(stores: Readonly<Record<string, Store>>, call: () => Promise<T>): Promise<{ result: T; sql: string }> {
  await call();
  const blocks: string[] = [];
  const offs = Object.entries(stores).map(([name, store]) =>
    store.onStatement((r) => blocks.push(`-- ${blocks.length + 1}. ${name}, ${r.params.length} ${r.params.length === 1 ? 'parameter' : 'parameters'}\n${r.text}\n`)),
  );
  try {
    return { result: await call(), sql: blocks.join('\n') };
  } finally {
    for (const off of offs) off();
  }
}

/** Compares `sql` with test/sql/__snapshots__/<name>.<kind>.sql. */
export async function expectSnapshot(sql: string, name: string, kind: StoreKind): Promise<void> {
  await expect(sql).toMatchFileSnapshot(`./__snapshots__/${name}.${kind}.sql`);
}
