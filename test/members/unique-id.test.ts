/**
 * App.Common_UniqueId.GetUniqueId and GraphQL uniqueId: concurrent callers, and two instances
 * over one main store, never get the same id; a block of ids costs one reservation.
 */
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logger.js';
import { UNIQUE_ID_BLOCK } from '../../src/operations/unique-id.js';
import { startRuntime } from '../../src/runtime.js';
import { createServer } from '../../src/server.js';
import { countStatements, storeKinds } from '../support/stores.js';
import { BASE, signedParams, testConfig, useServer, type Envelope } from '../support/server.js';

describe.each(await storeKinds())('unique ids on %s', (kind) => {
  const t = useServer(kind);

  it('answers a positive safe integer as id; concurrent callers on both faces never share one', async () => {
    const first = await t.legacy({ s: 'App.Common_UniqueId.GetUniqueId' });
    expect(first).toMatchObject({ ret: 200, data: { err_code: 0, err_msg: '' } });
    expect(Number.isSafeInteger(first.data.id)).toBe(true);
    expect(first.data.id as number).toBeGreaterThan(0);

    const legacy = Array.from({ length: 150 }, () => t.legacy({ s: 'App.Common_UniqueId.GetUniqueId' }).then((e) => e.data.id as number));
    const graphql = Array.from({ length: 50 }, () => t.graphql<{ uniqueId: string }>('mutation { uniqueId }').then((r) => Number(r.data!.uniqueId)));
    const ids = await Promise.all([...legacy, ...graphql]);
    expect(ids.every((id) => Number.isSafeInteger(id) && id > 0)).toBe(true);
    expect(new Set([first.data.id as number, ...ids]).size).toBe(201);
  });

  it('reserves ids a block at a time: one reservation for a block’s worth of calls', async () => {
    const calls = 300;
    const { result, statements } = await countStatements(t.rt.main, () =>
      Promise.all(Array.from({ length: calls }, () => t.legacy({ s: 'App.Common_UniqueId.GetUniqueId' }))),
    );
    expect(new Set(result.map((e) => e.data.id)).size).toBe(calls);
    const reservations = statements.filter((s) => s.startsWith('SELECT next_value FROM yg_sequence')).length;
    expect(reservations).toBeLessThanOrEqual(Math.ceil(calls / UNIQUE_ID_BLOCK) + 1);
  });

  // Two instances in one process over one SQLite file would wait on each other's write lock
  // inside one thread; across processes, and on MySQL, the transaction keeps blocks apart.
  it.skipIf(kind !== 'mysql')('two instances over one main store never answer the same id', async () => {
    const other = await startRuntime(testConfig(t.databaseUrl), silentLogger);
    try {
      const second = createServer(other);
      const call = async (fetcher: (r: Request) => Promise<Response>) => {
        const res = await fetcher(new Request(`${BASE}/?${signedParams({ s: 'App.Common_UniqueId.GetUniqueId' }, t.app)}`));
        return ((await res.json()) as Envelope).data.id as number;
      };
      const ids = await Promise.all(Array.from({ length: 200 }, (_, i) => call(i % 2 ? (r) => t.fetch(r) : (r) => second.fetch(r))));
      expect(new Set(ids).size).toBe(200);
    } finally {
      await other.close();
    }
  });
});
