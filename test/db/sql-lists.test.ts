/**
 * Statements of variable length come in few shapes: `IN (…)` lists padded to a power of two and
 * multi-row INSERTs split into power-of-two runs, so that prepared statements (cached per text by
 * the driver on each connection and counted by the server) stay a handful. Checked on the
 * builders, and on each main store by the distinct texts the call log's writes of batch rows send.
 */
import { describe, expect, it } from 'vitest';
import { inList, join, powerOfTwoRuns, render, sql, valueRows } from '../../src/db/sql.js';
import { mssqlDialect } from '../../src/db/mssql.js';
import { sqliteDialect } from '../../src/db/sqlite.js';
import { CallLogRecords, type CallRow } from '../../src/records/call-log.js';
import { migrate } from '../../src/db/migrate.js';
import { storeKinds, useStore } from '../support/stores.js';

const kinds = await storeKinds();
const params = (values: unknown[], limit?: number) => render(sql`x IN (${inList(values, limit)})`, sqliteDialect).params;

describe('inList', () => {
  it('leaves lists of up to 8 as they are', () => {
    for (let n = 1; n <= 8; n++) expect(params(Array.from({ length: n }, (_, i) => i))).toEqual(Array.from({ length: n }, (_, i) => i));
  });

  it('pads a longer list to the next power of two with its last value', () => {
    expect(params([1, 2, 3, 4, 5, 6, 7, 8, 9])).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 9, 9, 9, 9, 9, 9]);
    expect(params(Array.from({ length: 16 }, (_, i) => i))).toHaveLength(16);
    expect(params(Array.from({ length: 17 }, (_, i) => i))).toHaveLength(32);
    expect(params(Array.from({ length: 1000 }, (_, i) => i))).toHaveLength(1024);
  });

  it('never pads past the limit, and never cuts a list', () => {
    expect(params(Array.from({ length: 600 }, (_, i) => i), 700)).toHaveLength(700);
    expect(params(Array.from({ length: 600 }, (_, i) => i), 100)).toHaveLength(600);
  });

  it('refuses an empty list (IN () is no SQL)', () => {
    expect(() => inList([])).toThrow(/at least one/);
  });
});

describe('valueRows', () => {
  it('renders as one fragment per row joined would, on every placeholder style', () => {
    const rows = [
      [1, 'a', null],
      [2, 'b', 'c'],
      [3, null, 'd'],
    ];
    for (const dialect of [sqliteDialect, mssqlDialect]) {
      const joined = render(sql`INSERT INTO t (a, b, c) VALUES ${join(rows.map(([a, b, c]) => sql`(${a}, ${b}, ${c})`))}`, dialect);
      expect(render(sql`INSERT INTO t (a, b, c) VALUES ${valueRows(rows)}`, dialect)).toEqual(joined);
    }
    expect(render(valueRows([[7]]), sqliteDialect)).toEqual({ text: '(?)', params: [7] });
  });
});

describe('powerOfTwoRuns', () => {
  it('splits a count into powers of two, largest first, under the cap', () => {
    expect(powerOfTwoRuns(0, 500)).toEqual([]);
    expect(powerOfTwoRuns(1, 500)).toEqual([1]);
    expect(powerOfTwoRuns(300, 500)).toEqual([256, 32, 8, 4]);
    expect(powerOfTwoRuns(1000, 500)).toEqual([256, 256, 256, 128, 64, 32, 8]);
    expect(powerOfTwoRuns(7, 1)).toEqual([1, 1, 1, 1, 1, 1, 1]);
  });

  it('always adds up to the count', () => {
    for (let n = 0; n < 1200; n += 7) expect(powerOfTwoRuns(n, 111).reduce((a, b) => a + b, 0)).toBe(n);
  });
});

describe.each(kinds)('the call log on %s', (kind) => {
  const db = useStore(kind);

  it('writes batches of 300 different sizes with a handful of distinct statements, every row once', async () => {
    await migrate(db.store);
    const records = new CallLogRecords(db.store);
    const texts = new Set<string>();
    const off = db.store.onStatement((s) => texts.add(s.text));
    // Each call of its own app: a batch row each, so a write of n calls is an INSERT of n rows.
    const row = (i: number): CallRow => ({ at: '2026-12-01 00:00:00', appKey: `k${i}`, face: 'legacy', service: `S${i}`, ret: 200, errCode: 0, durationUs: i, ip: null, memberUuid: null });
    let written = 0;
    for (let size = 1; size <= 300; size++) {
      await records.insert(Array.from({ length: size }, (_, i) => row(written + i)));
      written += size;
    }
    off();
    expect(texts.size).toBeLessThanOrEqual(Math.ceil(Math.log2(records.rowsPerStatement)) + 1);
    const [count] = await db.store.query<{ n: number | string; d: number | string }>(sql`SELECT COUNT(*) AS n, COUNT(DISTINCT app_key) AS d FROM yg_call_batch`);
    expect(Number(count!.n)).toBe(written);
    expect(Number(count!.d)).toBe(written);
    expect(new Set((await records.latest({ limit: written })).map((c) => c.durationUs)).size).toBe(written);
  });
});
