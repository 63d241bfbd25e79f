/**
 * Pop-one and transfer throughput of three yesgraph instances over the local Galera cluster
 * (scripts/galera-cluster.sh), with the instances all on node 1 and then spread over the three
 * nodes, and the ratio spread / one node. The instances, tables and bank are those of the
 * cluster suite and the single-server benches (test/cluster/support.ts, test/tables/support.ts,
 * test/transfer/fixtures.ts); calls go through each instance's `server.fetch`, signed.
 *
 *   npm run bench:cluster                     4,000 pops and 5 s of transfers per layout, 16 callers
 *   BENCH_POPS=2000 BENCH_SECONDS=3 npm run bench:cluster
 */
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { openStore } from '../src/db/open.js';
import type { App } from '../src/records/apps.js';
import { clusterDatabase, cluster, nodeUrl, retriesOf, startCluster, startInstance, type Instance } from '../test/cluster/support.js';
import { defineTable, insertRows } from '../test/tables/support.js';
import { createBank } from '../test/transfer/fixtures.js';

const POPS = Number(process.env.BENCH_POPS ?? 4000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CALLERS = 16;
const ACCOUNTS = 1000;
const EACH = 1_000_000_000;

interface Result {
  pops: number;
  popRetries: number;
  transfers: number;
  transferRetries: number;
}

async function retries(instances: Instance[], path: string): Promise<number> {
  const all = await Promise.all(instances.map(async (i) => retriesOf(await i.metrics())[path] ?? 0));
  return all.reduce((a, b) => a + b, 0);
}

/** Three instances whose main store (and db_mark) is reached through `nodes[i]`; both rates. */
async function measure(nodes: readonly number[]): Promise<Result> {
  const main = await clusterDatabase();
  const owner = await clusterDatabase();
  const instances: Instance[] = [];
  try {
    for (const n of nodes) instances.push(await startInstance(n, main.name));
    const app: App = await instances[0]!.rt.appRecords.create({ name: 'bench' });
    const def = await defineTable(instances[0]!.rt.main, app.id, 'coupon', ['code:varchar(16)', 'state:int'], ['state']);
    await insertRows(instances[0]!.rt.main, def.physical, Array.from({ length: POPS }, (_, i) => ({ code: `c${i}`, state: 0 })));
    const setup = openStore(nodeUrl(1, owner.name));
    await createBank(setup, 'bank', ACCOUNTS, EACH);
    await setup.close();
    // One db_mark per node, registered through an instance on that node.
    for (const n of new Set(nodes)) await instances[nodes.indexOf(n)]!.rt.databases.add(app.id, `bank${n}`, nodeUrl(n, owner.name), '', { operator: true });

    let popped = 0;
    let start = performance.now();
    const popRetries0 = await retries(instances, 'pop_one');
    await Promise.all(
      Array.from({ length: CALLERS }, async (_, c) => {
        const inst = instances[c % instances.length]!;
        for (;;) {
          const env = await inst.legacy({ s: 'App.Table.FreePopOne', model_name: 'coupon', where: '[["state","=",0]]', data: '{"state":1}', fields: 'code' }, app);
          if (env.ret !== 200 || (env.data.err_code !== 0 && env.data.err_code !== 3)) throw new Error(JSON.stringify(env));
          if (env.data.err_code === 3) return;
          popped++;
        }
      }),
    );
    const pops = popped / ((performance.now() - start) / 1000);
    const popRetries = (await retries(instances, 'pop_one')) - popRetries0;

    let moved = 0;
    const transferRetries0 = await retries(instances, 'transfer');
    start = performance.now();
    const end = start + SECONDS * 1000;
    await Promise.all(
      Array.from({ length: CALLERS }, async (_, c) => {
        const inst = instances[c % instances.length]!;
        while (performance.now() < end) {
          const a = Math.floor(Math.random() * ACCOUNTS);
          const b = (a + 1 + Math.floor(Math.random() * (ACCOUNTS - 1))) % ACCOUNTS;
          const code = (i: number) => `acc${String(i).padStart(2, '0')}`;
          const env = await inst.legacy(
            { s: 'App.DB_MsSQL_Data.Transfer', model_name: 'bank', db_mark: `bank${inst.node}`, account_field: 'code', from_account: code(a), to_account: code(b), amount_field: 'balance', amount: '1' },
            app,
          );
          if (env.ret !== 200) throw new Error(JSON.stringify(env));
          if (env.data.err_code === 0) moved++;
        }
      }),
    );
    const transfers = moved / ((performance.now() - start) / 1000);
    return { pops, popRetries, transfers, transferRetries: (await retries(instances, 'transfer')) - transferRetries0 };
  } finally {
    for (const i of instances) await i.close();
    await main.drop();
    await owner.drop();
  }
}

const started = await startCluster();
if (started.failure) {
  console.log(`the Galera cluster cannot start: ${started.failure}; nothing to measure`);
  process.exit(0);
}
try {
  const one = await measure([1, 1, 1]);
  const spread = await measure([1, 2, 3]);
  const fmt = (n: number) => n.toFixed(0);
  console.log(`\nThree yesgraph instances over a local three-node Galera cluster: ${cpus().length} × ${cpus()[0]?.model.trim()}, Node ${process.version}`);
  console.log(`${CALLERS} callers spread over the instances; ${POPS} pops; ${SECONDS} s of transfers over ${ACCOUNTS} accounts; in-process (server.fetch)\n`);
  console.log('| | instances on node 1 | spread over nodes 1–3 | ratio |');
  console.log('|---|--:|--:|--:|');
  console.log(`| FreePopOne /s | ${fmt(one.pops)} | ${fmt(spread.pops)} | ${(spread.pops / one.pops).toFixed(2)}× |`);
  console.log(`| pop_one write retries | ${one.popRetries} | ${spread.popRetries} | |`);
  console.log(`| Transfer /s | ${fmt(one.transfers)} | ${fmt(spread.transfers)} | ${(spread.transfers / one.transfers).toFixed(2)}× |`);
  console.log(`| transfer write retries | ${one.transferRetries} | ${spread.transferRetries} | |`);
} finally {
  if (!started.wasRunning) await cluster('stop');
}
