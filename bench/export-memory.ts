/**
 * An export's memory does not grow with the table (issue: asynchronous tasks). For each main
 * store (SQLite; MariaDB when it answers), a table of 200,000 rows is exported twice, each time
 * by a fresh server process (`yesgraph serve`, compiled when dist/ exists): the first 50,000
 * rows, then all 200,000. The server's RSS is read from /proc before the export (idle) and its
 * peak (VmHWM) after it; the file is downloaded and checked to hold every row exactly once.
 *
 *   npm run bench:export              prints the table; exits 1 when the bound is broken
 *
 * The bound: the peak while exporting 200,000 rows is at most the peak for 50,000 plus 25 %
 * of the 50,000 export's growth over idle plus 16 MB (allocator noise), i.e. memory is flat in
 * the row count, which is what chunked keyset reads and a streamed file promise.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../src/logger.js';
import type { App } from '../src/records/apps.js';
import { startRuntime } from '../src/runtime.js';
import { freePort } from '../test/support/ports.js';
import { signedParams, testConfig, type Envelope } from '../test/support/server.js';
import { freshDatabase, storeKinds, type StoreKind } from '../test/support/stores.js';
import { defineTable, insertRows } from '../test/tables/support.js';

const ROWS = 200_000;
const SIZES = [50_000, ROWS];
const SECRET_KEY = 'bench-export-secret-key-0123';
const BATCH = 20_000;

interface Measured {
  readonly store: StoreKind;
  readonly rows: number;
  readonly seconds: number;
  readonly idleMb: number;
  readonly peakMb: number;
  readonly bytes: number;
}

/** A field of /proc/PID/status in MB (VmRSS now, VmHWM the peak so far). */
function statusMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith(`${field}:`));
  return line ? Number(line.replace(/\D+/g, '')) / 1024 : NaN;
}

function serve(port: number, databaseUrl: string, taskDir: string): ChildProcess {
  const compiled = existsSync('dist/main.js');
  return spawn(process.execPath, compiled ? ['dist/main.js', 'serve'] : ['--import', 'tsx', 'src/main.ts', 'serve'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      YESGRAPH_SECRET_KEY: SECRET_KEY,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      YESGRAPH_TASK_DIR: taskDir,
      YESGRAPH_TASK_CONCURRENCY: '1',
    },
  });
}

async function healthy(port: number, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    if (await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server on ${port} did not start`);
}

async function exportOnce(store: StoreKind, databaseUrl: string, app: App, rows: number): Promise<Measured> {
  const port = await freePort();
  const taskDir = mkdtempSync(join(tmpdir(), 'yesgraph-bench-export-'));
  const child = serve(port, databaseUrl, taskDir);
  try {
    await healthy(port, child);
    const call = async (params: Record<string, string>) => (await (await fetch(`http://127.0.0.1:${port}/?${signedParams(params, app)}`)).json()) as Envelope;
    // A few calls first, so idle means a server that has served, as the export's does.
    for (let i = 0; i < 20; i++) await call({ s: 'App.Hello.World' });
    const idleMb = statusMb(child.pid!, 'VmRSS');
    const started = performance.now();
    const where = rows < ROWS ? JSON.stringify([['id', '<=', rows]]) : '[]';
    const queued = await call({ s: 'App.Table.FreeExport', model_name: 'big', select: 'id,title,body', where, format: 'jsonl' });
    const taskId = queued.data.task_id as string;
    let task: Envelope['data'];
    for (;;) {
      task = (await call({ s: 'App.Task.Get', task_id: taskId })).data;
      if (['succeeded', 'failed', 'cancelled'].includes(task.status as string)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const seconds = (performance.now() - started) / 1000;
    const peakMb = statusMb(child.pid!, 'VmHWM');
    if (task.status !== 'succeeded') throw new Error(`export of ${rows} rows on ${store}: ${JSON.stringify(task)}`);
    const result = task.result as { url: string; rows: number; bytes: number };
    const text = await (await fetch(`http://127.0.0.1:${port}${result.url}`)).text();
    const ids = text.trimEnd().split('\n').map((l) => Number((JSON.parse(l) as { id: string }).id));
    if (ids.length !== rows || !ids.every((id, i) => id === i + 1)) throw new Error(`export of ${rows} rows on ${store}: the file does not hold every row exactly once`);
    return { store, rows, seconds, idleMb, peakMb, bytes: result.bytes };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
    rmSync(taskDir, { recursive: true, force: true });
  }
}

async function measureStore(store: StoreKind): Promise<Measured[]> {
  const db = await freshDatabase(store);
  try {
    const rt = await startRuntime(testConfig(db.url, { secretKey: SECRET_KEY, taskConcurrency: 0 }), silentLogger);
    let app: App;
    try {
      app = await rt.appRecords.create({ name: 'bench-export' });
      const def = await defineTable(rt.main, app.id, 'big', ['title:varchar(32)', 'body:text']);
      for (let i = 0; i < ROWS; i += BATCH) {
        await insertRows(rt.main, def.physical, Array.from({ length: BATCH }, (_, k) => ({ uuid: '', title: `r${i + k + 1}`, body: 'x'.repeat(100) })));
      }
    } finally {
      await rt.close();
    }
    const out: Measured[] = [];
    for (const rows of SIZES) {
      const m = await exportOnce(store, db.url, app, rows);
      process.stderr.write(`${store} ${rows} rows: ${m.seconds.toFixed(1)} s, idle ${m.idleMb.toFixed(0)} MB, peak ${m.peakMb.toFixed(0)} MB\n`);
      out.push(m);
    }
    return out;
  } finally {
    await db.drop();
  }
}

const results: Measured[] = [];
for (const store of await storeKinds()) results.push(...(await measureStore(store)));

console.log('\n| store | rows | seconds | rows/s | file MB | idle RSS MB | peak RSS MB | growth MB |');
console.log('|---|--:|--:|--:|--:|--:|--:|--:|');
for (const m of results) {
  console.log(`| ${m.store} | ${m.rows} | ${m.seconds.toFixed(1)} | ${(m.rows / m.seconds).toFixed(0)} | ${(m.bytes / 2 ** 20).toFixed(1)} | ${m.idleMb.toFixed(0)} | ${m.peakMb.toFixed(0)} | ${(m.peakMb - m.idleMb).toFixed(0)} |`);
}
let broken = false;
for (const store of new Set(results.map((m) => m.store))) {
  const [small, large] = SIZES.map((rows) => results.find((m) => m.store === store && m.rows === rows)!);
  const bound = small!.peakMb + 0.25 * Math.max(0, small!.peakMb - small!.idleMb) + 16;
  const ok = large!.peakMb <= bound;
  broken ||= !ok;
  console.log(`${store}: peak at ${ROWS} rows ${large!.peakMb.toFixed(0)} MB, bound ${bound.toFixed(0)} MB (peak at ${SIZES[0]} + 25 % of its growth + 16 MB): ${ok ? 'flat' : 'GROWS'}`);
}
process.exitCode = broken ? 1 : 0;
