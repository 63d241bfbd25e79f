/**
 * `npm run bench`: yesgraph's throughput against the bare floor, over real HTTP.
 *
 * For each main store (MariaDB, and SQLite), loads the fixed data set (dataset.ts), starts
 * yesgraph as a production server (compiled dist/ when built, else through tsx) and the bare
 * server (bare-server.ts), and drives Hello, Show, FreeTree, PopOne and Transfer on both faces
 * with autocannon at 1 and 16 connections, interleaving bare / legacy / GraphQL runs round after
 * round, each run in slices of 1 s taken in turn with the other faces' so that a round's runs meet
 * the same seconds of the machine. Prints requests/s, p50/p99, SQL statements per request (counted
 * in-process on the same calls), peak RSS and the ratio to the bare server (the middle of the
 * rounds' own ratios), and writes bench/results/throughput.{json,md}.
 *
 *   npm run bench                 both stores, 3 rounds of 5 s per run
 *   npm run bench -- --quick      MariaDB only, 1 round of 2 s (under two minutes)
 *   npm run bench -- --soak 300   then 300 s of Show at 16 connections (both faces in turn unless
 *                                 --face names one), RSS sampled
 *   npm run bench -- --only Show --store mysql --face graphql --profile
 *                                 one operation, one store, one face (beside bare), with a V8
 *                                 CPU profile of yesgraph written to bench/results/profiles/ and
 *                                 one of the bare server to bench/results/profiles/bare/ (open
 *                                 them in Chrome DevTools)
 *   npm run bench -- --against ../before
 *                                 also runs the yesgraph built in another checkout (its
 *                                 dist/main.js, e.g. a worktree of an earlier commit) on the same
 *                                 data, interleaved in the same rounds, and prints a second table:
 *                                 this checkout against that one, run for run (PopOne's queues
 *                                 then drain twice as fast; 100,000 rows outlast three full rounds)
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { openStore } from '../../src/db/open.js';
import { silentLogger } from '../../src/logger.js';
import type { App } from '../../src/records/apps.js';
import { startRuntime } from '../../src/runtime.js';
import { createServer } from '../../src/server.js';
import { testConfig } from '../../test/support/server.js';
import { freshDatabase, storeKinds, type StoreKind } from '../../test/support/stores.js';
import { BANK_TABLE, seedBank, seedComments, seedQueues, seedTree } from './dataset.js';
import { busyPercent, joinSlices, load, type Call, type LoadResult } from './load.js';
import { DB_MARK, operations, type Operation } from './calls.js';
import { freePort } from '../../test/support/ports.js';
import { median } from '../harness.js';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean' },
    soak: { type: 'string' },
    store: { type: 'string' },
    only: { type: 'string' },
    profile: { type: 'boolean' },
    face: { type: 'string' },
    against: { type: 'string' },
  },
});
/** The other checkout whose yesgraph runs beside this one (`--against`), resolved. */
const against = args.against === undefined ? null : resolve(args.against);
if (against && !existsSync(join(against, 'dist/main.js'))) throw new Error(`--against ${against}: no dist/main.js there (run npm run build in it)`);
const quick = !!args.quick;
const rounds = quick ? 1 : 3;
const seconds = quick ? 2 : 5;
const CONNECTIONS = [1, 16];
/** The slices a run is taken in, in turn with the other faces' (see the round loop). */
const SLICE_SECONDS = 1;
const SECRET_KEY = 'bench-secret-key-0123456789abcdef';

type Face = 'bare' | 'legacy' | 'graphql';
/** A run of the `--against` checkout's yesgraph, on one face. */
type AgainstFace = 'legacy@against' | 'graphql@against';
async function waitHealthy(base: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${base}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${base} did not come up`);
}

/** This checkout's yesgraph, or with `dir` the compiled yesgraph of another checkout, run from there. */
function startYesgraph(port: number, databaseUrl: string, dir?: string): ChildProcess {
  const compiled = dir !== undefined || existsSync('dist/main.js');
  const profile = args.profile && !dir ? ['--cpu-prof', '--cpu-prof-dir=bench/results/profiles'] : [];
  const argv = [...profile, ...(compiled ? ['dist/main.js', 'serve'] : ['--import', 'tsx', 'src/main.ts', 'serve'])];
  return spawn(process.execPath, argv, {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), DATABASE_URL: databaseUrl, YESGRAPH_SECRET_KEY: SECRET_KEY, NODE_ENV: 'production', LOG_LEVEL: 'warn' },
  });
}

function startBare(port: number, main: string, owner: string, app: App, queue: string): Promise<ChildProcess> {
  const child = fork('bench/throughput/bare-server.ts', [], {
    execArgv: ['--import', 'tsx', ...(args.profile ? ['--cpu-prof', '--cpu-prof-dir=bench/results/profiles/bare'] : [])],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    env: { ...process.env, BARE_PORT: String(port), BARE_MAIN: main, BARE_OWNER: owner, BARE_APP_ID: String(app.id), BARE_SECRET: app.appSecret, BARE_QUEUE: queue, BARE_BANK: BANK_TABLE },
  });
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`bare server exited with ${code}`)));
  });
}

/** Each call answered with success (a business error or refusal would make the figures meaningless). */
async function checkAnswers(base: string, calls: readonly Call[]): Promise<void> {
  for (const c of calls.slice(0, 3)) {
    const res = await fetch(base + c.path, { method: c.method, body: c.body, headers: c.headers });
    const text = await res.text();
    const body = JSON.parse(text) as { ret?: number; data?: { err_code?: number }; errors?: unknown; [k: string]: unknown };
    const fine = res.ok && body.errors === undefined && (body.ret === undefined || (body.ret === 200 && body.data?.err_code === 0)) && !text.includes('BusinessError');
    if (!fine) throw new Error(`${c.method} ${c.path.slice(0, 60)} answered ${text.slice(0, 300)}`);
  }
}

/**
 * The answer of the floor equals yesgraph's for the same call, `ret`, `data` and `msg` (`_t` and
 * `_auth` move with the second): a floor answering less would flatter it.
 */
async function checkSameAnswer(yesgraph: string, bare: string, calls: readonly Call[]): Promise<void> {
  const answerOf = async (base: string, c: Call) => {
    const { ret, data, msg } = JSON.parse(await (await fetch(base + c.path)).text()) as { ret?: unknown; data?: unknown; msg?: unknown };
    return JSON.stringify({ ret, data, msg });
  };
  for (const c of calls.slice(0, 3)) {
    const [mine, floor] = [await answerOf(yesgraph, c), await answerOf(bare, c)];
    if (mine !== floor) throw new Error(`the bare floor answers ${c.path.slice(0, 60)} otherwise:\n  yesgraph ${mine.slice(0, 300)}\n  bare     ${floor.slice(0, 300)}`);
  }
}

/** SQL statements each face sends for one call of the operation, counted in-process. */
async function countStatements(mainUrl: string, ops: readonly Operation[]): Promise<Map<string, number>> {
  const rt = await startRuntime(testConfig(mainUrl, { secretKey: SECRET_KEY }), silentLogger);
  const server = createServer(rt);
  const counts = new Map<string, number>();
  try {
    const owner = await rt.databases.resolve((await rt.appRecords.list())[0]!.id, DB_MARK);
    for (const op of ops) {
      for (const face of ['legacy', 'graphql'] as const) {
        const c = op[face][0]!;
        await server.fetch(new Request(`http://bench${c.path}`, { method: c.method, body: c.body, headers: c.headers })); // warm caches
        let n = 0;
        const offs = [rt.main.onStatement(() => n++), owner!.store.onStatement(() => n++)];
        await server.fetch(new Request(`http://bench${c.path}`, { method: c.method, body: c.body, headers: c.headers }));
        for (const off of offs) off();
        counts.set(`${op.name}/${face}`, n);
      }
    }
  } finally {
    await rt.close();
  }
  return counts;
}

interface Busy {
  server: number;
  load: number;
}

/** The middle of the rounds' shares of a core, the server's and the generator's. */
function busyOf(runs: readonly LoadResult[]): Busy {
  return {
    server: median(runs.map((r) => busyPercent(r.cpuSeconds, r.seconds))),
    load: median(runs.map((r) => busyPercent(r.loadCpuSeconds, r.seconds))),
  };
}

interface Row {
  store: StoreKind;
  operation: string;
  face: Exclude<Face, 'bare'>;
  connections: number;
  rps: number;
  p50: number;
  p99: number;
  statements: number;
  peakRssMb: number;
  bareRps: number;
  ratio: number;
  failures: number;
  /** Server CPU per request, and the bare server's: a figure that holds on a busy machine. */
  cpuUs: number;
  bareCpuUs: number;
  /** The bare server's CPU per request over this run's, the middle of the rounds' ratios. */
  cpuRatio: number;
  /**
   * Shares of one core over the run, in percent (the middle of the rounds'): the server's, and
   * the load generator's beside it; the same for the bare server's runs. A server near 100 while
   * its generator is not is bound by its own CPU.
   */
  busy: Busy;
  bareBusy: Busy;
  /** The `--against` checkout's figures for the same operation, face and connections, and this checkout's ratios to them. */
  against?: { rps: number; p99: number; cpuUs: number; ratio: number; cpuRatio: number };
}


async function benchStore(kind: StoreKind): Promise<Row[]> {
  const mainDb = await freshDatabase(kind);
  const ownerDb = await freshDatabase(kind);
  const children: ChildProcess[] = [];
  try {
    const rt = await startRuntime(testConfig(mainDb.url, { secretKey: SECRET_KEY }), silentLogger);
    const app = await rt.appRecords.create({ name: 'bench' });
    await rt.databases.add(app.id, DB_MARK, ownerDb.url, '', { operator: true });
    const keys = await seedComments(rt.main, app.id);
    const bareQueue = await seedQueues(rt.main, app.id);
    const ownerStore = openStore(ownerDb.url);
    const roots = await seedTree(ownerStore, kind);
    const accounts = await seedBank(ownerStore);
    await ownerStore.close();
    await rt.close();

    const ops = operations(app, keys, roots, accounts).filter((op) => !args.only || op.name.startsWith(args.only));
    const statements = await countStatements(mainDb.url, ops);
    const [yPort, bPort] = [await freePort(), await freePort()];
    const yesgraph = startYesgraph(yPort, mainDb.url);
    children.push(yesgraph);
    const bare = await startBare(bPort, mainDb.url, ownerDb.url, app, bareQueue);
    children.push(bare);
    // The other checkout's yesgraph serves the same main store (its data, its migrations).
    const aPort = against ? await freePort() : 0;
    const other = against ? startYesgraph(aPort, mainDb.url, against) : null;
    if (other) children.push(other);
    const base: Record<Face | AgainstFace, string> = {
      legacy: `http://127.0.0.1:${yPort}`,
      graphql: `http://127.0.0.1:${yPort}`,
      bare: `http://127.0.0.1:${bPort}`,
      'legacy@against': `http://127.0.0.1:${aPort}`,
      'graphql@against': `http://127.0.0.1:${aPort}`,
    };
    await waitHealthy(base.legacy, yesgraph);
    if (other) await waitHealthy(base['legacy@against'], other);
    for (const op of ops) {
      await checkAnswers(base.legacy, op.legacy);
      await checkAnswers(base.graphql, op.graphql);
      await checkAnswers(base.bare, op.legacy);
      if (op.readOnly) await checkSameAnswer(base.legacy, base.bare, op.legacy);
      if (other) {
        await checkAnswers(base['legacy@against'], op.legacy);
        await checkAnswers(base['graphql@against'], op.graphql);
      }
    }
    // Each face of this checkout, then the same face of the other one: a pair meets the same machine.
    const faces = (['bare', 'legacy', 'legacy@against', 'graphql', 'graphql@against'] as const).filter(
      (f) => (other || !f.endsWith('@against')) && (!args.face || f === 'bare' || f.startsWith(args.face)),
    );

    const results = new Map<string, LoadResult[]>();
    for (let round = 0; round < rounds; round++) {
      for (const op of ops) {
        for (const connections of CONNECTIONS) {
          // A run of `seconds` is taken in slices of SLICE_SECONDS, the faces' slices in turn: the
          // runs of a round meet the machine of the same seconds, however its speed drifts.
          const slices = new Map<string, LoadResult[]>(faces.map((face) => [face, []]));
          for (let at = 0; at < seconds; at += SLICE_SECONDS) {
            for (const face of faces) {
              const calls = face.startsWith('graphql') ? op.graphql : op.legacy;
              const pid = (face === 'bare' ? bare : face.endsWith('@against') ? other! : yesgraph).pid!;
              slices.get(face)!.push(await load(base[face], calls, connections, SLICE_SECONDS, pid));
            }
          }
          for (const face of faces) {
            const r = joinSlices(slices.get(face)!);
            const key = `${op.name}/${face}/${connections}`;
            results.set(key, [...(results.get(key) ?? []), r]);
            process.stderr.write(`${kind} round ${round + 1}/${rounds} ${key}: ${r.rps.toFixed(0)} req/s\n`);
          }
        }
      }
    }

    const rows: Row[] = [];
    for (const op of ops) {
      for (const connections of CONNECTIONS) {
        const bareRuns = results.get(`${op.name}/bare/${connections}`)!;
        const bareRps = median(bareRuns.map((r) => r.rps));
        const bareCpuUs = median(bareRuns.map((r) => r.cpuUsPerRequest));
        const bareBusy = busyOf(bareRuns);
        for (const face of (['legacy', 'graphql'] as const).filter((f) => !args.face || f === args.face)) {
          const runs = results.get(`${op.name}/${face}/${connections}`)!;
          const rps = median(runs.map((r) => r.rps));
          const paired = pairedRatios(runs, bareRuns);
          rows.push({
            store: kind,
            operation: op.name,
            face,
            connections,
            rps,
            p50: median(runs.map((r) => r.p50)),
            p99: median(runs.map((r) => r.p99)),
            statements: statements.get(`${op.name}/${face}`)!,
            peakRssMb: Math.max(...runs.map((r) => r.peakRssMb)),
            bareRps,
            ratio: paired.rps,
            failures: runs.reduce((n, r) => n + r.failures, 0),
            cpuUs: median(runs.map((r) => r.cpuUsPerRequest)),
            bareCpuUs,
            cpuRatio: paired.cpu,
            busy: busyOf(runs),
            bareBusy,
            ...againstOf(results.get(`${op.name}/${face}@against/${connections}`), runs),
          });
        }
      }
    }
    // Show soaks (the first operation run when --only leaves Show out), on both faces in turn
    // unless --face names one.
    const soaked = ops.find((op) => op.name.startsWith('Show')) ?? ops[0]!;
    const soakCalls = args.face === 'legacy' || args.face === 'graphql' ? soaked[args.face] : soaked.legacy.flatMap((call, i) => [call, soaked.graphql[i % soaked.graphql.length]!]);
    if (args.soak) await soak(base.legacy, soakCalls, yesgraph.pid!, Number(args.soak));
    return rows;
  } finally {
    // A clean exit, so a --profile is written.
    await Promise.all(
      children.map((c) => (c.exitCode !== null ? undefined : new Promise((resolve) => (c.once('exit', resolve), c.kill('SIGTERM'), setTimeout(resolve, 5000))))),
    );
    for (const db of [mainDb, ownerDb]) await db.drop().catch((err: Error) => process.stderr.write(`could not drop ${db.url}: ${err.message}\n`));
  }
}

/** `calls` (Show) at 16 connections for `total` seconds in slices, printing RSS after each: it must not grow. */
async function soak(base: string, calls: readonly Call[], pid: number, total: number): Promise<void> {
  const slice = 30;
  for (let at = 0; at < total; at += slice) {
    const r = await load(base, calls, 16, Math.min(slice, total - at), pid);
    process.stderr.write(`soak ${at + slice}s: ${r.rps.toFixed(0)} req/s, peak RSS ${r.peakRssMb.toFixed(0)} MB\n`);
  }
}

/**
 * `runs` against `baseline`, round by round (the same round's runs met the same seconds of the
 * machine): the middle of the rounds' ratios of requests/s, and of CPU per request (the
 * baseline's over the run's, so that above 1 is cheaper).
 */
function pairedRatios(runs: readonly LoadResult[], baseline: readonly LoadResult[]): { rps: number; cpu: number } {
  return {
    rps: median(runs.map((r, i) => r.rps / baseline[i]!.rps)),
    cpu: median(runs.map((r, i) => baseline[i]!.cpuUsPerRequest / r.cpuUsPerRequest)),
  };
}

function againstOf(runs: readonly LoadResult[] | undefined, mine: readonly LoadResult[]): Pick<Row, 'against'> {
  if (!runs) return {};
  const paired = pairedRatios(mine, runs);
  return {
    against: { rps: median(runs.map((r) => r.rps)), p99: median(runs.map((r) => r.p99)), cpuUs: median(runs.map((r) => r.cpuUsPerRequest)), ratio: paired.rps, cpuRatio: paired.cpu },
  };
}

/** This checkout against the `--against` one, row by row (each the median of the same rounds). */
function againstMarkdown(rows: readonly Row[]): string {
  const lines = [
    `This checkout against ${against}:`,
    '',
    '| store | operation | face | conns | req/s | against req/s | ratio | p99 ms | against p99 ms | CPU µs/req | against CPU µs/req | CPU ratio |',
    '|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
    ...rows.flatMap((r) =>
      r.against
        ? [
            `| ${r.store} | ${r.operation} | ${r.face} | ${r.connections} | ${r.rps.toFixed(0)} | ${r.against.rps.toFixed(0)} | ${r.against.ratio.toFixed(2)}× | ${r.p99} | ${r.against.p99} | ${r.cpuUs.toFixed(0)} | ${r.against.cpuUs.toFixed(0)} | ${r.against.cpuRatio.toFixed(2)}× |`,
          ]
        : [],
    ),
  ];
  return lines.join('\n') + '\n';
}

const busyText = (b: Busy) => `${b.server.toFixed(0)} / ${b.load.toFixed(0)}`;

function markdown(rows: readonly Row[]): string {
  const lines = [
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; ${rounds} round(s), ${seconds} s per run in slices of ${SLICE_SECONDS} s taken in turn; ratios are the middle of the rounds' own.`,
    '',
    '| store | operation | face | conns | req/s | bare req/s | ratio | p50 ms | p99 ms | statements | peak RSS MB | failures | CPU µs/req | bare CPU µs/req | CPU ratio | busy % server / load | bare busy % server / load |',
    '|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
    ...rows.map(
      (r) =>
        `| ${r.store} | ${r.operation} | ${r.face} | ${r.connections} | ${r.rps.toFixed(0)} | ${r.bareRps.toFixed(0)} | ${r.ratio.toFixed(2)}× | ${r.p50} | ${r.p99} | ${r.statements} | ${r.peakRssMb.toFixed(0)} | ${r.failures} | ${r.cpuUs.toFixed(0)} | ${r.bareCpuUs.toFixed(0)} | ${r.cpuRatio.toFixed(2)}× | ${busyText(r.busy)} | ${busyText(r.bareBusy)} |`,
    ),
  ];
  return lines.join('\n') + '\n';
}

const available = await storeKinds();
// --quick measures the production main store (MariaDB) only, or SQLite where MariaDB is absent.
const quickKind = available.includes('mysql') ? 'mysql' : 'sqlite';
const ordered = available
  .filter((k) => (args.store ? k === args.store : !quick || k === quickKind))
  .sort((a) => (a === 'mysql' ? -1 : 1));
const rows: Row[] = [];
for (const kind of ordered) rows.push(...(await benchStore(kind)));
const table = markdown(rows) + (against ? '\n' + againstMarkdown(rows) : '');
process.stdout.write('\n' + table);
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/throughput.json', JSON.stringify({ at: new Date().toISOString(), quick, rounds, seconds, rows }, null, 2) + '\n');
writeFileSync('bench/results/throughput.md', table);
