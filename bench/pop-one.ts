/**
 * App.Table.FreePopOne throughput on MariaDB: pops per second at 1, 4 and 16 concurrent
 * callers through yesgraph (`server.fetch`, signed legacy calls), beside a bare mysql2 loop
 * doing the same work (BEGIN; SELECT … FOR UPDATE SKIP LOCKED; UPDATE; COMMIT) on a copy of
 * the rows in the same run. `npx tsx bench/pop-one.ts` (BENCH_POPS rows per round).
 */
import { performance } from 'node:perf_hooks';
import mysql from 'mysql2/promise';
import { ident, sql } from '../src/db/sql.js';
import { startTestServer } from '../test/support/server.js';
import { storeKinds } from '../test/support/stores.js';
import { defineTable, insertRows, pop } from '../test/tables/support.js';

const POPS = Number(process.env.BENCH_POPS ?? 3000);

if (!(await storeKinds()).includes('mysql')) {
  console.log('MariaDB does not answer: nothing to measure');
  process.exit(0);
}

const t = await startTestServer('mysql');
const pool = mysql.createPool({ uri: t.databaseUrl, connectionLimit: 10 });
const rows = Array.from({ length: POPS }, (_, i) => ({ code: `c${i}`, state: 0 }));

async function run(callers: number, one: () => Promise<boolean>): Promise<number> {
  let done = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (await one()) done++;
    }),
  );
  return done / ((performance.now() - start) / 1000);
}

const lines: string[] = ['| callers | yesgraph pops/s | bare mysql2 pops/s | ratio |', '|---:|---:|---:|---:|'];
try {
  for (const callers of [1, 4, 16]) {
    const def = await defineTable(t.rt.main, t.app.id, `bench${callers}`, ['code:varchar(16)', 'state:int'], ['state']);
    await insertRows(t.rt.main, def.physical, rows);
    await t.rt.main.execute(sql`CREATE TABLE ${ident(`bare${callers}`)} LIKE ${ident(def.physical)}`);
    await t.rt.main.execute(sql`INSERT INTO ${ident(`bare${callers}`)} SELECT * FROM ${ident(def.physical)}`);
    const ours = await run(callers, async () => {
      const env = await pop(t, { model_name: `bench${callers}`, where: '[["state","=",0]]', data: '{"state":1}', fields: 'code' });
      if (env.ret !== 200 || (env.data.err_code !== 0 && env.data.err_code !== 3)) throw new Error(JSON.stringify(env));
      return env.data.err_code === 0;
    });
    const bare = await run(callers, async () => {
      const conn = await pool.getConnection();
      try {
        for (;;) {
          try {
            await conn.beginTransaction();
            const [found] = await conn.execute(`SELECT id, code FROM \`bare${callers}\` WHERE state = ? ORDER BY id ASC LIMIT 1 FOR UPDATE SKIP LOCKED`, [0]);
            const row = (found as Array<{ id: number }>)[0];
            if (row) await conn.execute(`UPDATE \`bare${callers}\` SET state = ?, update_time = ? WHERE id = ?`, [1, new Date().toISOString().slice(0, 19).replace('T', ' '), row.id]);
            await conn.commit();
            return row !== undefined;
          } catch (err) {
            await conn.rollback();
            if ((err as { errno?: number }).errno !== 1213) throw err;
          }
        }
      } finally {
        conn.release();
      }
    });
    lines.push(`| ${callers} | ${ours.toFixed(0)} | ${bare.toFixed(0)} | ${(ours / bare).toFixed(2)} |`);
  }
} finally {
  await pool.end();
  await t.close();
}
console.log(`\nApp.Table.FreePopOne on MariaDB, ${POPS} rows per round\n\n${lines.join('\n')}`);
