/**
 * App.Market_Message.Show with perpage=50 over a thread of 50 + 150 + 300 comments: yesgraph
 * (one statement per level) against the naive baseline of one statement per comment's replies.
 */
import { ident, sql } from '../src/db/sql.js';
import type { Store } from '../src/db/store.js';
import type { TestServer } from '../test/support/server.js';
import { measure, report } from './harness.js';

interface Row {
  id: number;
}

async function seed(t: TestServer): Promise<void> {
  const post = async (pid: number) => {
    const r = await t.legacy({ s: 'App.Market_Message.Post', message_key: 'bench', message_content: 'x', message_pid: pid });
    return Number(r.data.id);
  };
  for (let i = 0; i < 50; i++) {
    const top = await post(0);
    for (let j = 0; j < 3; j++) {
      const reply = await post(top);
      for (let k = 0; k < 2; k++) await post(reply);
    }
  }
}

async function naive(main: Store, appId: number): Promise<number> {
  const children = async (pid: number, level: number): Promise<number> => {
    const rows = await main.query<Row>(sql`SELECT * FROM ${ident('okayapi_message')} WHERE app_id = ${appId} AND message_pid = ${pid} ORDER BY id`);
    let statements = 1;
    if (level < 3) for (const r of rows) statements += await children(Number(r.id), level + 1);
    return statements;
  };
  await main.query(sql`SELECT COUNT(*) AS n FROM ${ident('okayapi_message')} WHERE app_id = ${appId} AND message_pid = ${0}`);
  return 1 + (await children(0, 1));
}

export async function benchMessages(t: TestServer, label: string, runs: number): Promise<void> {
  await seed(t);
  const baseline = await measure('one statement per comment', runs, () => naive(t.rt.main, t.app.id));
  const candidate = await measure('legacy Show, batched per level', runs, async () => {
    let n = 0;
    const off = t.rt.main.onStatement(() => n++);
    const res = await t.legacy({ s: 'App.Market_Message.Show', message_key: 'bench', perpage: 50 });
    off();
    if ((res.data.items as unknown[]).length !== 50) throw new Error(JSON.stringify(res));
    return n;
  });
  report(`Market_Message.Show, perpage 50, 500 comments (${label})`, baseline, candidate);
}
