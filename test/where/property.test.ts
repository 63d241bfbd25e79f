import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { ident, join, sql } from '../../src/db/sql.js';
import type { TableInfo } from '../../src/db/store.js';
import { compileWhere, rawCondition, readWhere, type Condition, type Where } from '../../src/where/index.js';
import { storeKinds, useStore } from '../support/stores.js';
import { PROP_NUMERIC, PROP_ROWS, printStyle, whereSpec, type Spec } from './support/arbitraries.js';
import { printRaw, type PrintStyle } from './support/print.js';
import { select } from './support/reference.js';

const kinds = await storeKinds();
// WHERE_PROPERTY_RUNS=5000 for a deeper search.
const RUNS = Number(process.env.WHERE_PROPERTY_RUNS ?? 150);

/** The condition the server receives: raw ones as text, through the public parser. */
function received(s: Spec, style: PrintStyle): Condition {
  if (s.kind === 'compare') return { kind: 'compare', field: s.field, op: s.op, value: s.value };
  if (s.kind === 'raw') return rawCondition(printRaw(s.expr, style));
  return { kind: 'group', logic: s.logic, items: s.items.map((i) => received(i, style)) };
}

/** The condition the reference evaluates: raw ones as generated, before printing and parsing. */
function generated(s: Spec): Condition {
  if (s.kind === 'compare') return { kind: 'compare', field: s.field, op: s.op, value: s.value };
  if (s.kind === 'raw') return { kind: 'raw', text: '', expr: s.expr };
  return { kind: 'group', logic: s.logic, items: s.items.map(generated) };
}

/** The legacy `where` JSON for a flat list, with the operator spelled as generated. */
function legacyJson(items: readonly Spec[], style: PrintStyle): string | null {
  if (items.some((s) => s.kind === 'group')) return null;
  return JSON.stringify(items.map((s) => (s.kind === 'compare' ? [s.field, s.opText, s.value] : s.kind === 'raw' ? printRaw(s.expr, style) : null)));
}

describe.each(kinds)('compiled conditions select what the reference evaluator selects, on %s', (kind) => {
  const db = useStore(kind);
  let table: TableInfo;

  beforeAll(async () => {
    const { store } = db;
    await store.execute(sql`CREATE TABLE ${ident('prop')} (id INT NOT NULL PRIMARY KEY, n INT NULL, m INT NULL, s VARCHAR(20) NULL, p VARCHAR(20) NOT NULL)`);
    const values = PROP_ROWS.map((r) => sql`(${r.id}, ${r.n}, ${r.m}, ${r.s}, ${r.p})`);
    await store.execute(sql`INSERT INTO ${ident('prop')} (id, n, m, s, p) VALUES ${join(values)}`);
    table = (await store.columns('prop'))!;
  });

  async function ids(where: Where): Promise<number[]> {
    const rows = await db.store.query<{ id: number }>(sql`SELECT id FROM ${ident('prop')} WHERE ${compileWhere(where, table, db.store.dialect)} ORDER BY id`);
    return rows.map((r) => Number(r.id));
  }

  it(`agrees on ${RUNS} random condition trees of triples, raw strings and groups`, async () => {
    await fc.assert(
      fc.asyncProperty(whereSpec, printStyle, async (spec, style) => {
        const expected = select({ logic: spec.logic, items: spec.items.map(generated) }, PROP_ROWS, { numeric: PROP_NUMERIC });
        const where: Where = { logic: spec.logic, items: spec.items.map((s) => received(s, style)) };
        const context = JSON.stringify(where.items.map((c) => (c.kind === 'raw' ? c.text : c)));
        expect(await ids(where), context).toEqual(expected);
        const json = legacyJson(spec.items, style);
        if (json !== null) expect(await ids(readWhere(new Map([['where', json], ['logic', spec.logic]]))), json).toEqual(expected);
      }),
      { numRuns: RUNS },
    );
  });
});
