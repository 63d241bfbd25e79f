/**
 * Transfers per second on a MariaDB db_mark at 1, 4 and 16 concurrent callers: yesgraph (each
 * face, through `server.fetch`, signed as a client would) beside a bare mysql2 loop sending the
 * same statements on a pool of the same size, in the same run, interleaved round by round.
 * A second bare loop sends a plain transaction (no XA), to show what the known outcome costs.
 *
 *   npx tsx bench/transfer.ts               3 rounds of 3 s per measurement
 *   BENCH_SECONDS=1 BENCH_ROUNDS=1 npx tsx bench/transfer.ts
 */
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import mysql from 'mysql2/promise';
import { openStore } from '../src/db/open.js';
import { raw } from '../src/db/sql.js';
import { startTestServer, type StartedServer } from '../test/support/server.js';
import { freshDatabase, storeKinds } from '../test/support/stores.js';
import { createBank, TRANSFER } from '../test/transfer/fixtures.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CALLERS = [1, 4, 16];
/** Many accounts, large balances: callers rarely wait for each other's rows, and every transfer succeeds. */
const ACCOUNTS = 1000;
const EACH = 1_000_000_000;
/** The registry's pool size for a db_mark (openStore's default). */
const POOL = 10;

type Transfer = () => Promise<void>;

/** Runs `callers` loops of `one` for SECONDS; transfers per second. */
async function rate(callers: number, one: Transfer): Promise<number> {
  let count = 0;
  const end = performance.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (performance.now() < end) {
        await one();
        count++;
      }
    }),
  );
  return count / SECONDS;
}

function pair(): [string, string] {
  const a = Math.floor(Math.random() * ACCOUNTS);
  const b = (a + 1 + Math.floor(Math.random() * (ACCOUNTS - 1))) % ACCOUNTS;
  return [`acc${String(a).padStart(2, '0')}`, `acc${String(b).padStart(2, '0')}`];
}

const LOCK = 'SELECT `id`, `balance` AS `balance` FROM `bank` WHERE `code` = ? ORDER BY `id` LIMIT 2 OFFSET 0 FOR UPDATE';
const DEBIT = 'UPDATE `bank` SET `balance` = `balance` - CAST(? AS SIGNED) WHERE `id` = CAST(? AS SIGNED) AND `balance` >= CAST(? AS SIGNED)';
const CREDIT = 'UPDATE `bank` SET `balance` = COALESCE(`balance`, 0) + CAST(? AS SIGNED) WHERE `id` = CAST(? AS SIGNED)';

/** The four statements of a transfer on `conn`, the lower account locked first. */
async function move(conn: mysql.PoolConnection): Promise<void> {
  const [from, to] = pair();
  const [low, high] = from < to ? [from, to] : [to, from];
  const [lowRows] = await conn.execute(LOCK, [low]);
  const [highRows] = await conn.execute(LOCK, [high]);
  const ids = new Map([
    [low, (lowRows as Array<{ id: number }>)[0]!.id],
    [high, (highRows as Array<{ id: number }>)[0]!.id],
  ]);
  await conn.execute(DEBIT, ['1', String(ids.get(from)), '1']);
  await conn.execute(CREDIT, ['1', String(ids.get(to))]);
}

/** What yesgraph sends on MariaDB: the store's transaction around an XA transaction. */
function bareXa(pool: mysql.Pool): Transfer {
  return async () => {
    const conn = await pool.getConnection();
    try {
      await conn.beginTransaction();
      const [rows] = await conn.execute('SELECT CONNECTION_ID() AS session');
      await conn.execute('COMMIT');
      const xid = `'yg-bench-${Math.floor(Date.now() / 60_000).toString(36)}-${(rows as Array<{ session: unknown }>)[0]!.session}'`;
      await conn.execute(`XA START ${xid}`);
      await move(conn);
      await conn.execute(`XA END ${xid}`);
      await conn.execute(`XA PREPARE ${xid}`);
      await conn.execute(`XA COMMIT ${xid}`);
      await conn.commit();
    } finally {
      conn.release();
    }
  };
}

function barePlain(pool: mysql.Pool): Transfer {
  return async () => {
    const conn = await pool.getConnection();
    try {
      await conn.beginTransaction();
      await move(conn);
      await conn.commit();
    } finally {
      conn.release();
    }
  };
}

function legacy(t: StartedServer): Transfer {
  return async () => {
    const [from, to] = pair();
    const env = await t.legacy({
      s: 'App.DB_MsSQL_Data.Transfer',
      model_name: 'bank',
      db_mark: 'bank',
      account_field: 'code',
      from_account: from,
      to_account: to,
      amount_field: 'balance',
      amount: '1',
    });
    if (env.data.err_code !== 0) throw new Error(JSON.stringify(env));
  };
}

function graphql(t: StartedServer): Transfer {
  return async () => {
    const [from, to] = pair();
    const res = await t.graphql<{ transfer: { __typename: string } }>(TRANSFER, {
      db: 'bank',
      table: 'bank',
      accountField: 'code',
      from,
      to,
      amountField: 'balance',
      amount: '1',
    });
    if (res.data?.transfer.__typename !== 'MutationTransferSuccess') throw new Error(JSON.stringify(res));
  };
}

if (!(await storeKinds()).includes('mysql')) {
  console.log('MariaDB does not answer: nothing to measure.');
  process.exit(0);
}

const t = await startTestServer('mysql');
const owner = await freshDatabase('mysql');
const setup = openStore(owner.url);
const pool = mysql.createPool({ uri: owner.url, connectionLimit: POOL, supportBigNumbers: true, bigNumberStrings: true });
try {
  await createBank(setup, 'bank', ACCOUNTS, EACH);
  await t.rt.databases.add(t.app.id, 'bank', owner.url, '', { operator: true });
  const runs = { 'bare XA': bareXa(pool), 'bare plain': barePlain(pool), legacy: legacy(t), graphql: graphql(t) };
  for (const one of Object.values(runs)) await one(); // warm: pools, prepared statements, columns

  const best: Record<string, Record<number, number>> = {};
  for (let round = 0; round < ROUNDS; round++) {
    for (const callers of CALLERS) {
      for (const [name, one] of Object.entries(runs)) {
        const r = await rate(callers, one);
        best[name] ??= {};
        best[name][callers] = Math.max(best[name][callers] ?? 0, r);
      }
    }
  }

  console.log(`\nTransfer on a MariaDB db_mark: ${cpus().length} × ${cpus()[0]?.model.trim()}, Node ${process.version}; best of ${ROUNDS} × ${SECONDS} s`);
  console.log(`${ACCOUNTS} accounts, pool of ${POOL}; yesgraph through server.fetch, in-process (no sockets); bare = mysql2 on the same statements\n`);
  console.log('| callers | bare XA /s | bare plain /s | legacy /s | ratio | GraphQL /s | ratio |');
  console.log('|--:|--:|--:|--:|--:|--:|--:|');
  for (const c of CALLERS) {
    const bare = best['bare XA']![c]!;
    const fmt = (n: number) => n.toFixed(0);
    const ratio = (n: number) => `${(n / bare).toFixed(2)}×`;
    console.log(`| ${c} | ${fmt(bare)} | ${fmt(best['bare plain']![c]!)} | ${fmt(best.legacy![c]!)} | ${ratio(best.legacy![c]!)} | ${fmt(best.graphql![c]!)} | ${ratio(best.graphql![c]!)} |`);
  }
  const [row] = await setup.query<{ s: string }>(raw('SELECT SUM(balance) AS s FROM bank'));
  console.log(`\ntotal after the run: ${row!.s} (expected ${ACCOUNTS * EACH})`);
} finally {
  await pool.end();
  await setup.close();
  await owner.drop();
  await t.close();
}
