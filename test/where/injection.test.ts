/**
 * The injection corpus: every payload in every place user text reaches the where module is
 * either refused with a 400 or bound as data: the query runs, quickly, and selects exactly the
 * rows the reference evaluator selects for what was parsed. A canary table and the data table
 * are unchanged afterwards, and no table appeared or vanished.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ident, join, raw, sql, type Sql } from '../../src/db/sql.js';
import type { Store, TableInfo } from '../../src/db/store.js';
import { ProtocolError } from '../../src/errors.js';
import {
  checkColumns,
  checkData,
  compileOrder,
  compileWhere,
  parseDataJson,
  parseOrder,
  parseSelect,
  parseWhereJson,
  readData,
  readWhere,
  whereFromInput,
  type Scalar,
  type Where,
} from '../../src/where/index.js';
import { storeKinds, useStore, type StoreKind } from '../support/stores.js';
import { PAYLOADS } from './support/payloads.js';
import { select, type Row } from './support/reference.js';

const ROWS: readonly Row[] = [
  { id: 1, name: 'plain', qty: 1, note: 'a' },
  { id: 2, name: "' OR '1'='1", qty: 2, note: null },
  { id: 3, name: "'; DROP TABLE canary; --", qty: null, note: 'x' },
  { id: 4, name: '%', qty: 4, note: '%_' },
  { id: 5, name: '_', qty: 5, note: '!' },
  { id: 6, name: '\\', qty: 6, note: "'" },
  { id: 7, name: "Robert'); DROP TABLE canary;--", qty: 7, note: '"' },
  { id: 8, name: '小白', qty: 8, note: 'PLAIN' },
  { id: 9, name: null, qty: 9, note: 'plain' },
  { id: 10, name: 'a!b', qty: 10, note: '[a]' },
  { id: 11, name: "' UNION SELECT secret FROM canary --", qty: 11, note: '' },
  { id: 12, name: '1 AND SLEEP(5)', qty: -1, note: '1' },
];
const ALL_IDS = ROWS.map((r) => Number(r.id));
const CANARY = [{ id: 1, secret: 'keep-me' }];

/** What a placement asks of the database once the where module accepted the text. */
type Attempt =
  | { kind: 'where'; where: () => Where }
  | { kind: 'order'; text: () => ReturnType<typeof parseOrder> }
  | { kind: 'select'; names: () => string[] | null }
  | { kind: 'data'; data: () => Record<string, Scalar> | null };

const where = (fn: () => Where): Attempt => ({ kind: 'where', where: fn });
const json = (items: unknown[]): Attempt => where(() => ({ logic: 'and', items: parseWhereJson(JSON.stringify(items)) }));

type Expect = 'refused' | 'bound' | 'either';

/** Each place user text reaches, and what every payload there must come to. */
const PLACEMENTS: ReadonlyArray<readonly [string, Expect, (p: string) => Attempt]> = [
  ['where: field name', 'refused', (p) => json([[p, '=', 1]])],
  ['where: operator', 'refused', (p) => json([['name', p, 'plain']])],
  ['where: text value (EQ)', 'bound', (p) => json([['name', '=', p]])],
  ['where: text value (NE)', 'bound', (p) => json([['note', '<>', p]])],
  ['where: text value (LIKE)', 'either', (p) => json([['name', 'LIKE', p]])],
  ['where: text value (NLIKE)', 'either', (p) => json([['note', 'NLIKE', p]])],
  ['where: IN list item', 'bound', (p) => json([['name', 'IN', [p, 'plain']]])],
  ['where: IN comma string', 'either', (p) => json([['note', 'IN', p]])],
  ['where: BETWEEN bound', 'bound', (p) => json([['name', 'BETWEEN', [p, '\u{10ffff}']]])],
  ['where: integer value', 'either', (p) => json([['qty', '>=', p]])],
  ['where: integer IN string', 'either', (p) => json([['qty', 'NIN', p]])],
  ['where: raw string', 'either', (p) => json([p])],
  ['where: raw string, inside a quoted literal', 'either', (p) => json([`name = '${p}'`])],
  ['where: raw string, after a condition', 'either', (p) => json([`id > 0 AND ${p}`])],
  ['where: raw string, as a LIKE pattern', 'either', (p) => json([`note LIKE '${p}'`])],
  ['where_X: name', 'refused', (p) => where(() => readWhere(new Map([[`where_${p}`, '1']])))],
  ['where_X: text value', 'either', (p) => where(() => readWhere(new Map([['where_name', p]])))],
  ['where_X: integer value', 'either', (p) => where(() => readWhere(new Map([['where_qty', p]])))],
  ['logic', 'either', (p) => where(() => readWhere(new Map([['where', '[["id", ">", 0], ["id", "<", 5]]'], ['logic', p]])))],
  ['GraphQL: condition field', 'refused', (p) => where(() => whereFromInput({ conditions: [{ field: p, op: 'EQ', value: 1 }] }))],
  ['GraphQL: condition value', 'bound', (p) => where(() => whereFromInput({ conditions: [{ field: 'name', op: 'EQ', value: p }] }))],
  ['GraphQL: raw', 'either', (p) => where(() => whereFromInput({ raw: [p] }))],
  ['order: JSON term', 'either', (p) => ({ kind: 'order', text: () => parseOrder(JSON.stringify([p])) })],
  ['order: bare text', 'either', (p) => ({ kind: 'order', text: () => parseOrder(p) })],
  ['select', 'either', (p) => ({ kind: 'select', names: () => parseSelect(p) })],
  ['data_X: name', 'refused', (p) => ({ kind: 'data', data: () => readData(new Map([[`data_${p}`, 'x']])) })],
  ['data: text value', 'bound', (p) => ({ kind: 'data', data: () => parseDataJson(JSON.stringify({ name: p })) })],
  ['data: integer value', 'either', (p) => ({ kind: 'data', data: () => parseDataJson(JSON.stringify({ qty: p })) })],
];

const kinds = await storeKinds();

it('the corpus has at least 300 distinct payloads', () => {
  expect(PAYLOADS.length).toBeGreaterThanOrEqual(300);
});

async function tables(store: Store, kind: StoreKind): Promise<string[]> {
  const rows =
    kind === 'sqlite'
      ? await store.query<{ name: string }>(sql`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
      : await store.query<{ name: string }>(sql`SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME`);
  return rows.map((r) => r.name);
}

describe.each(kinds)('injection corpus on %s', (kind) => {
  const db = useStore(kind);
  let table: TableInfo;
  let before: string[];
  // A binary collation on MariaDB, so that = and LIKE compare exactly what SQLite compares.
  // Wide enough for every payload: a longer value is (rightly) refused before it is bound.
  const text = raw(kind === 'mysql' ? 'VARCHAR(4000) COLLATE utf8mb4_nopad_bin NULL' : 'VARCHAR(4000) NULL');
  const model = { numeric: new Set(['id', 'qty']), likeIsCaseSensitive: kind === 'mysql' };

  beforeAll(async () => {
    const { store } = db;
    await store.execute(sql`CREATE TABLE ${ident('items')} (id INT NOT NULL PRIMARY KEY, name ${text}, qty INT NULL, note ${text})`);
    await store.execute(sql`INSERT INTO ${ident('items')} (id, name, qty, note) VALUES ${join(ROWS.map((r) => sql`(${r.id}, ${r.name}, ${r.qty}, ${r.note})`))}`);
    await store.execute(sql`CREATE TABLE ${ident('canary')} (id INT NOT NULL PRIMARY KEY, secret VARCHAR(50) NOT NULL)`);
    await store.execute(sql`INSERT INTO ${ident('canary')} (id, secret) VALUES (${1}, ${'keep-me'})`);
    table = (await store.columns('items'))!;
    before = await tables(store, kind);
  });

  async function ids(q: Sql): Promise<number[]> {
    return (await db.store.query<{ id: number }>(q)).map((r) => Number(r.id));
  }

  /** Runs one attempt: 'refused' for a 400, 'bound' when the query ran and selected the right rows. */
  async function attempt(a: Attempt): Promise<'refused' | 'bound'> {
    const items = ident('items');
    try {
      if (a.kind === 'where') {
        const w = a.where();
        const got = await ids(sql`SELECT id FROM ${items} WHERE ${compileWhere(w, table, db.store.dialect)} ORDER BY id`);
        expect(got, 'rows selected').toEqual(select(w, ROWS, model));
      } else if (a.kind === 'order') {
        const order = compileOrder(a.text(), table, db.store.dialect) ?? sql`id`;
        expect((await ids(sql`SELECT id FROM ${items} ORDER BY ${order}`)).sort((x, y) => x - y)).toEqual(ALL_IDS);
      } else if (a.kind === 'select') {
        const names = a.names() ?? ['id'];
        checkColumns(names, table, 'select');
        expect(await db.store.query(sql`SELECT ${join(names.map((n) => ident(n)))} FROM ${items}`)).toHaveLength(ROWS.length);
      } else {
        const data = a.data() ?? {};
        checkData(data, table);
        const set = Object.entries(data).map(([k, v]) => sql`${ident(k)} = ${v}`);
        if (set.length) expect((await db.store.execute(sql`UPDATE ${items} SET ${join(set)} WHERE id = ${-1}`)).affectedRows).toBe(0);
      }
      return 'bound';
    } catch (err) {
      if (err instanceof ProtocolError && err.ret === 400 && err.message.startsWith('客户端非法请求：参数')) return 'refused';
      throw err;
    }
  }

  it.each(PLACEMENTS)('%s: every payload is refused with a 400 or bound as data (%s)', async (_name, expected, place) => {
    const failures: string[] = [];
    const outcomes = { refused: 0, bound: 0 };
    let slowest = 0;
    for (const payload of PAYLOADS) {
      const started = performance.now();
      try {
        outcomes[await attempt(place(payload))]++;
      } catch (err) {
        failures.push(`${JSON.stringify(payload)}: ${(err as Error).message.slice(0, 300)}`);
      }
      slowest = Math.max(slowest, performance.now() - started);
    }
    expect(failures).toEqual([]);
    expect(outcomes.refused + outcomes.bound).toBe(PAYLOADS.length);
    if (expected === 'refused') expect(outcomes.bound).toBe(0);
    if (expected === 'bound') expect(outcomes.refused).toBe(0);
    // SLEEP(5) or a heavy BENCHMARK that ran would show here.
    expect(slowest).toBeLessThan(2000);
  });

  it('leaves the canary, the data and the set of tables as they were', async () => {
    const { store } = db;
    expect(await store.query(sql`SELECT id, secret FROM ${ident('canary')}`)).toEqual(CANARY);
    const rows = await store.query<Row>(sql`SELECT id, name, qty, note FROM ${ident('items')} ORDER BY id`);
    expect(rows.map((r) => ({ ...r, id: Number(r.id), qty: r.qty === null ? null : Number(r.qty) }))).toEqual(ROWS);
    expect(await tables(store, kind)).toEqual(before);
  });
});
