/**
 * `npm run bench:sqlite-rows`: what reading rows costs the SQLite store, which takes the rows of a
 * statement naming its columns as arrays and makes the objects itself (src/db/sqlite.ts), beside
 * better-sqlite3's own row objects for the same prepared statement, in the same process, on the
 * same file. The statement is FreeTree's second level in `npm run bench` (190 rows of 4 columns);
 * the store's figure includes its lock and its promise.
 *
 *   npm run bench:sqlite-rows
 *   BENCH_ROWS=1000 BENCH_CALLS=2000 npm run bench:sqlite-rows
 */
import Database from 'better-sqlite3';
import { openStore, parseDatabaseUrl } from '../src/db/open.js';
import { raw, sql } from '../src/db/sql.js';
import { freshDatabase } from '../test/support/stores.js';
import { cpuPerCall, median } from './harness.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 190);
const CALLS = Number(process.env.BENCH_CALLS ?? 3_000);
const ROUNDS = 5;
const TEXT = 'SELECT "name", "quantity", "id", "parent_id" FROM "BenchTree" WHERE "parent_id" IN (1, 2, 3, 4, 5, 6, 7, 8, 9, 10) ORDER BY "id" ASC';

/** Median CPU microseconds per call of `one`, after a warm-up, over ROUNDS rounds of CALLS calls. */
async function medianCpuPerCall(one: () => unknown): Promise<number> {
  const rounds: number[] = [await cpuPerCall(one, CALLS, { warmUp: CALLS / 5 })];
  while (rounds.length < ROUNDS) rounds.push(await cpuPerCall(one, CALLS));
  return median(rounds);
}

const db = await freshDatabase('sqlite');
const store = openStore(db.url);
let own: Database.Database | undefined;
try {
  await store.execute(sql`CREATE TABLE "BenchTree" (id INTEGER PRIMARY KEY AUTOINCREMENT, name VARCHAR(50) NOT NULL, quantity INT NOT NULL, parent_id INT NULL)`);
  for (let i = 1; i <= ROWS; i++) {
    await store.execute(sql`INSERT INTO "BenchTree" (name, quantity, parent_id) VALUES (${`leaf ${i}`}, ${i % 19}, ${1 + (i % 10)})`);
  }
  own = new Database(parseDatabaseUrl(db.url).path!, { readonly: true });
  const ownStatement = own.prepare(TEXT);
  const statement = sql`${raw(TEXT)}`;
  const rows = await store.query(statement);
  const objects = ownStatement.all() as object[];
  if (JSON.stringify(rows) !== JSON.stringify(objects)) throw new Error('the store and better-sqlite3 answer different rows');

  const ownUs = await medianCpuPerCall(() => ownStatement.all());
  const storeUs = await medianCpuPerCall(() => store.query(statement));
  process.stdout.write(
    [
      `SQLite, ${rows.length} rows of 4 columns, CPU µs per read (median of ${ROUNDS} rounds of ${CALLS}):`,
      `  better-sqlite3's own row objects   ${ownUs.toFixed(1)}`,
      `  the store (arrays made objects)    ${storeUs.toFixed(1)}`,
      `  ratio                              ${(ownUs / storeUs).toFixed(2)}×`,
      '',
    ].join('\n'),
  );
} finally {
  own?.close();
  await store.close();
  await db.drop();
}
