/**
 * `npm run bench:call-log`: what writing the call log costs per call, as batch rows (one row per
 * app per write, its calls as JSON: src/records/call-log.ts) beside the one row per call of
 * migration 009 (a multi-row INSERT of nine values per call), in the same process, interleaved,
 * on the same database. Writes of 512 calls, as the writer sends them under load. Prints the CPU
 * per call of this process (binding, JSON) and, on MariaDB/MySQL running on this machine, of the
 * database server too (read from /proc; found by name).
 *
 *   npm run bench:call-log                       # MariaDB (MYSQL_URL, as the tests)
 *   BENCH_STORE=sqlite npm run bench:call-log
 *   BENCH_APPS=16 npm run bench:call-log         # the calls of a write spread over 16 apps
 */
import { execFileSync } from 'node:child_process';
import { migrate } from '../src/db/migrate.js';
import { callLog } from '../src/db/migrations/009_call_log.js';
import { openStore } from '../src/db/open.js';
import { raw, sql, valueRows, type Sql } from '../src/db/sql.js';
import { CallLogRecords, type CallRow } from '../src/records/call-log.js';
import { freshDatabase, type StoreKind } from '../test/support/stores.js';
import { median } from './harness.js';
import { cpuSeconds } from './throughput/load.js';

const KIND = (process.env.BENCH_STORE ?? 'mysql') as StoreKind;
const APPS = Number(process.env.BENCH_APPS ?? 1);
const WRITE = 512;
const WRITES = Number(process.env.BENCH_WRITES ?? 100);
const ROUNDS = 5;

/** The database server's pid when it runs here (MariaDB or MySQL), else null. */
function serverPid(): number | null {
  if (KIND !== 'mysql') return null;
  for (const name of ['mariadbd', 'mysqld']) {
    try {
      return Number(execFileSync('pidof', ['-s', name]).toString().trim()) || null;
    } catch {
      // not running under this name
    }
  }
  return null;
}

function calls(write: number): CallRow[] {
  const at = new Date(Date.UTC(2026, 11, 1, 0, 0, write)).toISOString().slice(0, 19).replace('T', ' ');
  return Array.from({ length: WRITE }, (_, i) => ({
    at,
    appKey: `APP${String(i % APPS).padStart(29, '0')}`,
    face: i % 3 ? 'legacy' : 'graphql',
    service: i % 3 ? 'App.Hello.World' : 'query hello',
    ret: 200,
    errCode: i % 3 ? 0 : null,
    durationUs: 300 + (i % 97),
    ip: '127.0.0.1',
    memberUuid: null,
  }));
}

const db = await freshDatabase(KIND);
const store = openStore(db.url);
const pid = serverPid();
try {
  await migrate(store);
  // 009's table as it was, under another name: the baseline writes it as 009's records did.
  for (const ddl of callLog[KIND === 'sqlite' ? 'sqlite' : 'mysql']) await store.execute(sql`${raw(ddl.replaceAll('yg_call_log', 'bench_call_row').replaceAll('ix_call_log', 'ix_bench_call_row'))}`);
  const perRow = async (rows: readonly CallRow[]): Promise<void> => {
    const values = rows.map((r) => [r.at, r.appKey, r.face, r.service, r.ret, r.errCode, r.durationUs, r.ip, r.memberUuid]);
    const statement: Sql = sql`INSERT INTO bench_call_row (at, app_key, face, service, ret, err_code, duration_us, ip, member_uuid) VALUES ${valueRows(values)}`;
    await store.execute(statement);
  };
  const records = new CallLogRecords(store);
  const ways = { 'one row per call (009)': perRow, 'batch rows (012)': (rows: readonly CallRow[]) => records.insert(rows) };
  const figures = new Map<string, { own: number[]; server: number[] }>(Object.keys(ways).map((k) => [k, { own: [], server: [] }]));
  const data = Array.from({ length: WRITES }, (_, w) => calls(w));
  for (const write of Object.values(ways)) for (const rows of data.slice(0, 10)) await write(rows); // warm-up
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, write] of Object.entries(ways)) {
      const own = process.cpuUsage();
      const server = pid === null ? 0 : cpuSeconds(pid);
      for (const rows of data) await write(rows);
      const used = process.cpuUsage(own);
      const f = figures.get(name)!;
      f.own.push((used.user + used.system) / (WRITES * WRITE));
      if (pid !== null) f.server.push(((cpuSeconds(pid) - server) * 1e6) / (WRITES * WRITE));
    }
  }
  const lines = [`call log writes on ${KIND}: ${WRITES} writes of ${WRITE} calls over ${APPS} app(s); CPU µs per call, median of ${ROUNDS} rounds`];
  lines.push(`  ${'way'.padEnd(26)} ${'yesgraph'.padStart(9)}${pid === null ? '' : `${'database'.padStart(10)}${'both'.padStart(8)}`}`);
  const total = (f: { own: number[]; server: number[] }) => median(f.own) + (pid === null ? 0 : median(f.server));
  for (const [name, f] of figures) {
    lines.push(`  ${name.padEnd(26)} ${median(f.own).toFixed(2).padStart(9)}${pid === null ? '' : `${median(f.server).toFixed(2).padStart(10)}${total(f).toFixed(2).padStart(8)}`}`);
  }
  const [before, after] = [...figures.values()];
  lines.push(`  ratio (009 / 012)          ${(total(before!) / total(after!)).toFixed(1)}×`);
  if (KIND === 'mysql' && pid === null) lines.push('  (the database server does not run here: its CPU is not counted)');
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  await store.close();
  await db.drop();
}
