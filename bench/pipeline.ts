/**
 * `npm run bench:pipeline`: the CPU yesgraph spends on a Hello call of its own, without HTTP, on
 * each face, beside the least work the protocol asks of the same call in the same process (the
 * query string parsed, the dynamic signature checked, the answer serialized and signed with
 * `_auth`). Calls go through `server.legacy` and `server.graphqlPost`, the entry points the
 * node:http listener uses, 16 at a time, over a fresh real main store with the call log on, as in
 * production. `npm run bench` measures the whole request over HTTP; this isolates yesgraph's part.
 *
 *   npm run bench:pipeline                 SQLite, then MariaDB when it answers
 *   BENCH_CALLS=100000 npm run bench:pipeline
 */
import { createHash } from 'node:crypto';
import { dynamicSign, payloadSign } from '../src/guards/sign.js';
import type { GraphQLPost } from '../src/graphql/post.js';
import type { LegacyRequest } from '../src/legacy/request.js';
import { silentLogger } from '../src/logger.js';
import { startRuntime } from '../src/runtime.js';
import { createServer } from '../src/server.js';
import { testConfig } from '../test/support/server.js';
import { cpuPerCall as cpuPerCallOf, median } from './harness.js';
import { freshDatabase, storeKinds } from '../test/support/stores.js';

const CALLS = Number(process.env.BENCH_CALLS ?? 40_000);
const CONCURRENCY = 16;
const ROUNDS = 3;

/** CPU microseconds per call of `one`, `CONCURRENCY` callers at a time, after a warm-up. */
const cpuPerCall = (one: () => Promise<unknown>) => cpuPerCallOf(one, CALLS, { concurrency: CONCURRENCY, warmUp: 2_000 });

for (const kind of await storeKinds()) {
  const db = await freshDatabase(kind);
  const rt = await startRuntime(testConfig(db.url, { callLogDays: 30 }), silentLogger);
  try {
    const server = createServer(rt);
    const app = await rt.appRecords.create({ name: 'bench' });
    const params = new Map([['s', 'App.Hello.World'], ['name', 'bench'], ['app_key', app.appKey]]);
    params.set('sign', dynamicSign(params, app.appSecret));
    const query = new URLSearchParams([...params]).toString();
    const body = JSON.stringify({ query: '{ hello(name: "bench") }', variables: {} });
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-app-key': app.appKey, 'x-sign': payloadSign(body, app.appSecret) };
    const bytes = new Uint8Array(Buffer.from(body));

    const legacy = () => {
      const request: LegacyRequest = { method: 'GET', pathname: '/', query, remoteAddress: '127.0.0.1', header: () => null, body: async () => new Uint8Array() };
      return server.legacy!(request);
    };
    const graphql = () => {
      const post: GraphQLPost = { url: 'http://bench/graphql', remoteAddress: '127.0.0.1', headers: { get: (n) => headers[n] ?? null }, fetchHeaders: () => new Headers(headers) };
      return server.graphqlPost!(post, async () => bytes);
    };
    // The least the protocol asks of the call: what bench/throughput/bare-server.ts does besides HTTP.
    const md5 = (s: string) => createHash('md5').update(s, 'utf8').digest('hex');
    const floor = async () => {
      const p = new URLSearchParams(query);
      const names = [...p.keys()].filter((n) => n !== 'sign').sort();
      if (md5(names.map((n) => p.get(n)).join('') + app.appSecret).toUpperCase() !== p.get('sign')) throw new Error('bad sign');
      const text = JSON.stringify({ err_code: 0, err_msg: '', title: `Hi ${p.get('name')}` });
      const t = Math.floor(Date.now() / 1000);
      return `{"ret":200,"data":${text},"msg":"","_t":${t},"_auth":"${md5(text + t + app.appSecret)}"}`;
    };

    const figures = { floor: [] as number[], legacy: [] as number[], graphql: [] as number[] };
    for (let round = 0; round < ROUNDS; round++) {
      figures.floor.push(await cpuPerCall(floor));
      figures.legacy.push(await cpuPerCall(legacy));
      figures.graphql.push(await cpuPerCall(graphql));
    }
    const [f, l, g] = [median(figures.floor), median(figures.legacy), median(figures.graphql)];
    console.log(`${kind}: Hello, CPU µs per call (median of ${ROUNDS} rounds of ${CALLS} calls, ${CONCURRENCY} at a time)`);
    console.log(`  floor   ${f.toFixed(1)}`);
    console.log(`  legacy  ${l.toFixed(1)}  (${(l / f).toFixed(1)}× the floor)`);
    console.log(`  graphql ${g.toFixed(1)}  (${(g / f).toFixed(1)}× the floor, ${(g / l).toFixed(2)}× legacy)`);
  } finally {
    await rt.close();
    await db.drop();
  }
}
