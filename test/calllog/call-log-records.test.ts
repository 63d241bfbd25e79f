/**
 * The call log's batch rows on each main store: a row per app per write (split at
 * CALLS_PER_BATCH), read back one call at a time in order, followed by id across rows and pages,
 * figured per service, a hand-edited row passed over, and 009's one-row-per-call table carried
 * over by the migration.
 */
import { describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/migrate.js';
import { MIGRATIONS } from '../../src/db/migrations/index.js';
import { openStore } from '../../src/db/open.js';
import { sql } from '../../src/db/sql.js';
import { CallLogRecords, CALLS_PER_BATCH, type CallRow } from '../../src/records/call-log.js';
import { countStatements, freshDatabase, storeKinds, useStore } from '../support/stores.js';

const kinds = await storeKinds();

const A = 'A'.repeat(32);
const B = 'B'.repeat(32);

function call(n: number, over: Partial<CallRow> = {}): CallRow {
  return { at: '2026-12-01 10:00:00', appKey: A, face: 'legacy', service: `S${n}`, ret: 200, errCode: 0, durationUs: n, ip: '10.0.0.1', memberUuid: null, ...over };
}

describe.each(kinds)('call log batch rows on %s', (kind) => {
  const db = useStore(kind);

  async function fresh(): Promise<CallLogRecords> {
    await migrate(db.store);
    await db.store.execute(sql`DELETE FROM yg_call_batch`);
    return new CallLogRecords(db.store);
  }

  async function stored(): Promise<Array<{ app_key: string | null; calls: number; first_at: string; last_at: string }>> {
    const rows = await db.store.query<{ app_key: string | null; calls: number | string; first_at: string; last_at: string }>(sql`SELECT app_key, calls, first_at, last_at FROM yg_call_batch ORDER BY id`);
    return rows.map((r) => ({ ...r, calls: Number(r.calls), first_at: String(r.first_at).slice(0, 19), last_at: String(r.last_at).slice(0, 19) }));
  }

  it('stores a write as one row per app, in the order each app first appears, and a long run of one app split at the cap', async () => {
    const records = await fresh();
    const calls = [
      call(1, { at: '2026-12-01 10:00:02' }),
      call(2, { appKey: B }),
      call(3, { appKey: null, face: 'graphql', service: null, errCode: null, ip: null }),
      call(4, { at: '2026-12-01 10:00:01' }),
      call(5, { appKey: B, at: '2026-12-01 10:00:09' }),
    ];
    const { statements } = await countStatements(db.store, () => records.insert(calls));
    expect(statements).toHaveLength(2); // three rows: a run of 2 and a run of 1 (power-of-two runs)
    expect(await stored()).toEqual([
      { app_key: A, calls: 2, first_at: '2026-12-01 10:00:01', last_at: '2026-12-01 10:00:02' },
      { app_key: B, calls: 2, first_at: '2026-12-01 10:00:00', last_at: '2026-12-01 10:00:09' },
      { app_key: null, calls: 1, first_at: '2026-12-01 10:00:00', last_at: '2026-12-01 10:00:00' },
    ]);
    const all = await records.latest({ limit: 100 });
    expect(all.map((c) => c.durationUs)).toEqual([1, 4, 2, 5, 3]);
    expect(all[4]).toEqual({ ...calls[2], id: all[4]!.id });
    expect(all.every((c, i) => i === 0 || c.id > all[i - 1]!.id)).toBe(true);
    expect((await records.latest({ appKey: B, limit: 100 })).map((c) => c.durationUs)).toEqual([2, 5]);

    await db.store.execute(sql`DELETE FROM yg_call_batch`);
    const many = Array.from({ length: 2 * CALLS_PER_BATCH + 76 }, (_, i) => call(i));
    await records.insert(many);
    expect((await stored()).map((r) => r.calls)).toEqual([CALLS_PER_BATCH, CALLS_PER_BATCH, 76]);
    expect((await records.latest({ limit: 10_000 })).map((c) => c.durationUs)).toEqual(many.map((c) => c.durationUs));
  });

  it('answers the newest calls across many rows and pages, and follows after any call, in a row or at its end', async () => {
    const records = await fresh();
    // 80 rows of 3 calls each: more rows than one page reads.
    for (let r = 0; r < 80; r++) await records.insert([call(3 * r), call(3 * r + 1), call(3 * r + 2)]);
    const newest = await records.latest({ limit: 100 });
    expect(newest.map((c) => c.durationUs)).toEqual(Array.from({ length: 100 }, (_, i) => 140 + i));
    const all = await records.latest({ limit: 1000 });
    expect(all.map((c) => c.durationUs)).toEqual(Array.from({ length: 240 }, (_, i) => i));
    for (const from of [0, 1, 2, 100, 238]) {
      const after = await records.latest({ afterId: all[from]!.id, limit: 1000 });
      expect(after.map((c) => c.durationUs)).toEqual(all.slice(from + 1).map((c) => c.durationUs));
    }
    expect(await records.latest({ afterId: all[239]!.id, limit: 1000 })).toEqual([]);
    // The newest `limit` after a call, as `log tail --follow` asks: the older ones are passed by.
    expect((await records.latest({ afterId: all[10]!.id, limit: 3 })).map((c) => c.durationUs)).toEqual([237, 238, 239]);
  });

  it('figures calls, refusals, failures and nearest-rank percentiles per face and service, from the time asked', async () => {
    const records = await fresh();
    const durations = Array.from({ length: 200 }, (_, i) => ((i * 37) % 200) + 1); // 1..200, shuffled
    await records.insert(durations.map((d, i) => call(0, { service: 'App.Hello.World', durationUs: d, ret: i % 50 === 0 ? 400 : 200, errCode: i % 50 === 0 ? null : i % 20 === 1 ? 3 : 0 })));
    // Before the time asked, in a row that ends after it: not counted.
    await records.insert([call(0, { service: 'App.Hello.World', at: '2026-12-01 09:59:59', durationUs: 100_000 }), call(0, { service: 'App.Hello.World', durationUs: 7 })]);
    await records.insert([call(0, { face: 'graphql', service: 'query Greet', durationUs: 9, errCode: null }), call(0, { face: 'graphql', service: null, ret: 400, durationUs: 3, errCode: null })]);
    await records.insert([call(0, { appKey: B, durationUs: 1 })]);
    const figures = await records.figures(A, '2026-12-01 10:00:00');
    const sorted = [...durations, 7].sort((a, b) => a - b);
    expect(figures).toEqual([
      { face: 'legacy', service: 'App.Hello.World', calls: 201, refused: 4, failed: 10, p50Us: sorted[100], p99Us: sorted[198] },
      { face: 'graphql', service: null, calls: 1, refused: 1, failed: 0, p50Us: 3, p99Us: 3 },
      { face: 'graphql', service: 'query Greet', calls: 1, refused: 0, failed: 0, p50Us: 9, p99Us: 9 },
    ]);
    expect(await records.figures(A, '2026-12-02 00:00:00')).toEqual([]);
  });

  it('passes over a row or an entry that is not of its shape, and reads the rest', async () => {
    const records = await fresh();
    await records.insert([call(1)]);
    await db.store.execute(sql`INSERT INTO yg_call_batch (first_at, last_at, app_key, calls, entries) VALUES ('2026-12-01 10:00:00', '2026-12-01 10:00:00', ${A}, 1, 'not json')`);
    await db.store.execute(
      sql`INSERT INTO yg_call_batch (first_at, last_at, app_key, calls, entries) VALUES ('2026-12-01 10:00:00', '2026-12-01 10:00:00', ${A}, 3, ${'[["2026-12-01 10:00:00","legacy","S",200,0,"slow",null,null],{"x":1},["2026-12-01 10:00:00","legacy","S2",200,0,2,null,null]]'})`,
    );
    await records.insert([call(3)]);
    expect((await records.latest({ limit: 10 })).map((c) => [c.service, c.durationUs])).toEqual([
      ['S1', 1],
      ['S2', 2],
      ['S3', 3],
    ]);
  });

  it("carries 009's rows over in their order when the migration runs, then drops that table", async () => {
    const fresh009 = await freshDatabase(kind);
    const store = openStore(fresh009.url);
    try {
      const before = MIGRATIONS.findIndex((m) => m.id === '012_call_batches');
      await migrate(store, MIGRATIONS.slice(0, before));
      await store.execute(sql`INSERT INTO yg_call_log (at, app_key, face, service, ret, err_code, duration_us, ip, member_uuid) VALUES
        ('2026-11-30 08:00:01', ${A}, 'legacy', 'App.Hello.World', 200, 0, 1500, '10.0.0.1', NULL),
        ('2026-11-30 08:00:02', NULL, 'graphql', NULL, 400, NULL, 20, NULL, NULL),
        ('2026-11-30 08:00:03', ${B}, 'graphql', 'query Me', 200, NULL, 30, '::1', ${'c'.repeat(32)})`);
      expect(await migrate(store)).toEqual(['012_call_batches']);
      const calls = await new CallLogRecords(store).latest({ limit: 10 });
      expect(calls.map(({ id: _, ...c }) => c)).toEqual([
        { at: '2026-11-30 08:00:01', appKey: A, face: 'legacy', service: 'App.Hello.World', ret: 200, errCode: 0, durationUs: 1500, ip: '10.0.0.1', memberUuid: null },
        { at: '2026-11-30 08:00:02', appKey: null, face: 'graphql', service: null, ret: 400, errCode: null, durationUs: 20, ip: null, memberUuid: null },
        { at: '2026-11-30 08:00:03', appKey: B, face: 'graphql', service: 'query Me', ret: 200, errCode: null, durationUs: 30, ip: '::1', memberUuid: 'c'.repeat(32) },
      ]);
      await expect(store.query(sql`SELECT COUNT(*) AS n FROM yg_call_log`)).rejects.toThrow();
    } finally {
      await store.close();
      await fresh009.drop();
    }
  });
});
