/**
 * yesgraph benchmarks: `npm run bench`. Each scenario runs yesgraph and a naive baseline in the
 * same process over the same real database (SQLite, and MariaDB when MYSQL_URL answers) and
 * prints ms per operation, statements per operation and the ratio.
 */
import { openStore } from '../src/db/open.js';
import { startTestServer } from '../test/support/server.js';
import { freshDatabase, storeKinds } from '../test/support/stores.js';
import { benchMessages } from './messages.js';
import { benchTree } from './tree.js';

const runs = Number(process.env.BENCH_RUNS ?? 20);

for (const kind of await storeKinds()) {
  const t = await startTestServer(kind);
  const owner = await freshDatabase(kind);
  const store = openStore(owner.url);
  try {
    await benchTree(t, store, owner.url, kind, runs);
    await benchMessages(t, kind, runs);
  } finally {
    await store.close();
    await owner.drop();
    await t.close();
  }
}
