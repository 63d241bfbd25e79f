/**
 * A shutdown waits for the answers still being made (`server.drained()`, which `yesgraph serve`
 * awaits between closing the listener and closing the runtime), even when their client has gone:
 * the work a call started finishes on open stores, over real HTTP.
 */
import { connect } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ident, sql } from '../../src/db/sql.js';
import { listen } from '../../src/server.js';
import { signedParams, useServer } from '../support/server.js';
import { storeKinds } from '../support/stores.js';
import { defineTable, insertRows } from '../tables/support.js';
import { portOf } from './raw-socket.js';

const kinds = await storeKinds();

describe.each(kinds)('shutdown on %s', (kind) => {
  const t = useServer(kind);
  afterEach(() => vi.restoreAllMocks());

  it('drained() resolves at once when nothing is being answered', async () => {
    await expect(t.server.drained()).resolves.toBeUndefined();
  });

  it('drained() waits for a pop whose client hung up, after the listener has closed', async () => {
    const { physical } = await defineTable(t.rt.main, t.app.id, 'gone', ['state:int']);
    await insertRows(t.rt.main, physical, [{ state: 0 }]);
    // The pop's transaction waits for the gate, once the request is inside it.
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const real = t.rt.main.transaction.bind(t.rt.main);
    vi.spyOn(t.rt.main, 'transaction').mockImplementationOnce(async (fn) => {
      entered();
      await gate;
      return real(fn);
    });

    const http = await listen(t.server, '127.0.0.1', 0);
    const query = signedParams({ s: 'App.Table.FreePopOne', model_name: 'gone', where_state: 0, data_state: 1 }, t.app);
    const socket = connect(portOf(http), '127.0.0.1', () => socket.write(`GET /?${query} HTTP/1.1\r\nHost: x\r\n\r\n`));
    socket.on('error', () => undefined);
    await inside;
    socket.destroy();
    // The listener closes once its only connection has ended: the pop is still waiting.
    await new Promise((resolve) => http.close(resolve));
    let drained = false;
    const done = t.server.drained().then(() => (drained = true));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(drained).toBe(false);
    open();
    await done;
    const [row] = await t.rt.main.query<{ state: number | string }>(sql`SELECT state FROM ${ident(physical)}`);
    expect(Number(row!.state)).toBe(1);
  });
});
