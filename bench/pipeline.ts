/**
 * `npm run bench:pipeline`: the CPU yesgraph spends on a call of its own, without HTTP, on each
 * face, beside the least work the protocol asks of the same call in the same process: the bare
 * floor of `npm run bench` (bench/throughput/bare.ts: the query string parsed, the dynamic
 * signature checked, the same statements, the answer serialized and signed with `_auth`).
 * Calls go through `server.legacy` and `server.graphqlPost`, the entry points the node:http
 * listener uses, 16 at a time, over a fresh real main store with the call log on, as in
 * production: Hello, Show (10 threads × 3 levels) and FreeTree (10 + 190 nodes) of the bench's
 * data set (bench/throughput/dataset.ts), with the bench's own calls (calls.ts).
 * `npm run bench` measures the whole request over HTTP; this isolates yesgraph's part.
 *
 *   npm run bench:pipeline                 SQLite, then MariaDB when it answers
 *   npm run bench:pipeline -- FreeTree     the operations whose names start so
 *   BENCH_CALLS=100000 npm run bench:pipeline   Hello's calls per round (Show a tenth, FreeTree a twentieth)
 */
import { isAnswer, type GraphQLPost } from '../src/graphql/post.js';
import type { LegacyRequest } from '../src/legacy/request.js';
import { openStore } from '../src/db/open.js';
import { silentLogger } from '../src/logger.js';
import { startRuntime } from '../src/runtime.js';
import { createServer } from '../src/server.js';
import { testConfig } from '../test/support/server.js';
import { cpuPerCall, median } from './harness.js';
import { freshDatabase, storeKinds } from '../test/support/stores.js';
import { bare, connect } from './throughput/bare.js';
import { DB_MARK, operations, type Operation } from './throughput/calls.js';
import { seedComments, seedTree } from './throughput/dataset.js';
import type { Call } from './throughput/load.js';

const CALLS = Number(process.env.BENCH_CALLS ?? 40_000);
/** Calls per round of each operation measured, as a share of CALLS (a FreeTree costs some 40 Hellos). */
const SHARE: Record<string, number> = { Hello: 1, Show: 1 / 10, FreeTree: 1 / 20 };
const CONCURRENCY = 16;
const ROUNDS = 3;
const only = process.argv[2];

for (const kind of await storeKinds()) {
  const mainDb = await freshDatabase(kind);
  const ownerDb = await freshDatabase(kind);
  const rt = await startRuntime(testConfig(mainDb.url, { callLogDays: 30 }), silentLogger);
  const floorDbs = [connect(mainDb.url), connect(ownerDb.url)] as const;
  try {
    const server = createServer(rt);
    const app = await rt.appRecords.create({ name: 'bench' });
    await rt.databases.add(app.id, DB_MARK, ownerDb.url, '', { operator: true });
    const keys = await seedComments(rt.main, app.id);
    const owner = openStore(ownerDb.url);
    const roots = await seedTree(owner, kind);
    await owner.close();
    const floor = bare({ main: floorDbs[0], owner: floorDbs[1], appId: app.id, secret: app.appSecret, queue: '', bank: '' });

    /** Each call of `calls` in turn, on one face. */
    const cycle = (calls: readonly Call[], one: (c: Call) => Promise<unknown>) => {
      let next = 0;
      return () => one(calls[next++ % calls.length]!);
    };
    const legacy = (c: Call) => {
      const request: LegacyRequest = { method: 'GET', pathname: '/', query: c.path.slice(2), remoteAddress: '127.0.0.1', header: () => null, body: async () => new Uint8Array() };
      return server.legacy!(request);
    };
    /** Each GraphQL call's body as the listener hands it over, made once. */
    const bodies = new Map<Call, Uint8Array<ArrayBuffer>>();
    const graphql = (c: Call) => {
      const headers = c.headers!;
      let bytes = bodies.get(c);
      if (!bytes) bodies.set(c, (bytes = new Uint8Array(Buffer.from(c.body!))));
      const post: GraphQLPost = { url: 'http://bench/graphql', remoteAddress: '127.0.0.1', headers: { get: (n) => headers[n] ?? null }, fetchHeaders: () => new Headers(headers) };
      return server.graphqlPost!(post, async () => bytes);
    };
    const bareCall = (c: Call) => floor.answer(new URLSearchParams(c.path.slice(2)));

    /** Refuses an answer that is not a success: its error would be measured instead. */
    const check = (face: string, text: string) => {
      const fine = face === 'graphql' ? !text.includes('"errors"') && !text.includes('errCode') : text.includes('"ret":200') && text.includes('"err_code":0');
      if (!fine) throw new Error(`${face} answered ${text.slice(0, 300)}`);
    };
    const textOf = (body: string | Uint8Array | null) => (typeof body === 'string' ? body : Buffer.from(body ?? new Uint8Array()).toString('utf8'));

    const shareOf = (op: Operation) => SHARE[op.name.split(' ')[0]!];
    const measured = operations(app, keys, roots, []).filter((op) => shareOf(op) && (!only || op.name.startsWith(only)));
    for (const op of measured) {
      const calls = Math.round(CALLS * shareOf(op)!);
      const run = (one: () => Promise<unknown>) => cpuPerCall(one, calls, { concurrency: CONCURRENCY, warmUp: Math.min(2_000, calls) });
      check('floor', await bareCall(op.legacy[0]!));
      check('legacy', textOf((await legacy(op.legacy[0]!)).body));
      const answer = await graphql(op.graphql[0]!);
      check('graphql', isAnswer(answer) ? answer.body : await answer.text());
      const figures = { floor: [] as number[], legacy: [] as number[], graphql: [] as number[] };
      for (let round = 0; round < ROUNDS; round++) {
        figures.floor.push(await run(cycle(op.legacy, bareCall)));
        figures.legacy.push(await run(cycle(op.legacy, legacy)));
        figures.graphql.push(await run(cycle(op.graphql, graphql)));
      }
      const [f, l, g] = [median(figures.floor), median(figures.legacy), median(figures.graphql)];
      console.log(`${kind}: ${op.name}, CPU µs per call (median of ${ROUNDS} rounds of ${calls} calls, ${CONCURRENCY} at a time)`);
      console.log(`  floor   ${f.toFixed(1)}`);
      console.log(`  legacy  ${l.toFixed(1)}  (${(l / f).toFixed(2)}× the floor)`);
      console.log(`  graphql ${g.toFixed(1)}  (${(g / f).toFixed(2)}× the floor, ${(g / l).toFixed(2)}× legacy)`);
    }
  } finally {
    await Promise.all(floorDbs.map((d) => d.close()));
    await rt.close();
    await mainDb.drop();
    await ownerDb.drop();
  }
}
