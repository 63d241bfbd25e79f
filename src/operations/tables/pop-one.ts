/**
 * App.Table.FreePopOne (GraphQL `popOne`): hand one matching row to one caller, apply `data` to
 * it, and answer it as it was found, so that concurrent callers never get the same row.
 *
 * Find and update are one transaction that holds the row: where the engine has
 * `FOR UPDATE SKIP LOCKED` (MySQL 8, MariaDB 10.6+) the row is locked as it is read and
 * concurrent pops skip it and take the next, in parallel; on SQLite the transaction is
 * BEGIN IMMEDIATE, which holds the database's only write lock (across processes too) from
 * the read to the commit. A row is updated by id, so a pop whose `data` makes the row stop
 * matching is still one pop. Deadlocks and lock timeouts (Galera's certification conflicts
 * are 1213 too) are retried with jitter.
 *
 * Random order never sorts the matches: it counts them up to RANDOM_MAX + 1 (err_code 4
 * beyond), picks a random id between the table's smallest and largest, and takes the first
 * match at or after it, wrapping to the first match before it.
 */
import { randomUUID } from 'node:crypto';
import { type z } from 'zod';
import { sqlNow } from '../../db/datetime.js';
import { retryConflicts } from '../../db/retry.js';
import { empty, ident, join, param, raw, sql, type Sql } from '../../db/sql.js';
import type { Executor, Row } from '../../db/store.js';
import { businessError } from '../../errors.js';
import { checkColumns, compileWhere, type Scalar, type Where } from '../../where/index.js';
import type { OperationContext } from '../context.js';
import { int } from '../input.js';
import { allOf, answerRow, openHostedTable, ownerCondition, tableInput, writeValues, type OpenTable } from './hosted.js';

const SERVICE = 'App.Table.FreePopOne';

/** The most matches random order serves from (the platform's 10万). */
export const RANDOM_MAX = 100_000;


export const popInput = tableInput.extend({
  /** 1 id ascending, 2 id descending, 3 random, 4 update_time ascending, 5 update_time descending. */
  orderType: int({ min: 1, max: 5 }).default(1),
});

export interface PopInput extends z.output<typeof popInput> {
  readonly where: Where;
  /** Columns to answer; null for every column. */
  readonly fields: readonly string[] | null;
  readonly data: Readonly<Record<string, Scalar>> | null;
}

export interface Popped {
  readonly id: number;
  /** The row as found, before `data` was applied: the answered columns, values as text. */
  readonly row: Record<string, string | null>;
}

const ORDERS: Record<number, string> = {
  1: 'id ASC',
  2: 'id DESC',
  4: 'update_time ASC, id ASC',
  5: 'update_time DESC, id DESC',
};

interface Plan {
  readonly t: OpenTable;
  readonly columns: readonly string[];
  readonly match: Sql;
  readonly set: Sql;
}

async function takeOne(tx: Executor, plan: Plan, extra: Sql | null, order: string): Promise<Row | undefined> {
  const lock = tx.dialect.skipLocked ?? { hint: empty, suffix: empty };
  const names = [...new Set(['id', ...plan.columns])];
  const [row] = await tx.query(
    sql`SELECT ${join(names.map((c) => ident(c)))} FROM ${plan.t.from}${lock.hint} WHERE ${extra ? sql`${plan.match} AND ${extra}` : plan.match} ORDER BY ${raw(order)}${tx.dialect.limitOffset(1, 0)}${lock.suffix}`,
  );
  if (!row) return undefined;
  await tx.execute(sql`UPDATE ${plan.t.from} SET ${plan.set} WHERE id = ${row.id}`);
  return row;
}

/** The random probe's pivot, or null when nothing matches; err_code 4 over RANDOM_MAX matches. */
async function randomPivot(ctx: OperationContext, plan: Plan): Promise<number | null> {
  const [count] = await ctx.main.query<{ n: number | string }>(
    sql`SELECT COUNT(*) AS n FROM (SELECT 1 AS x FROM ${plan.t.from} WHERE ${plan.match}${ctx.main.dialect.limitOffset(RANDOM_MAX + 1, 0)}) m`,
  );
  // Stryker disable next-line OptionalChaining: COUNT(*) always answers one row
  const n = Number(count?.n ?? 0);
  if (n > RANDOM_MAX) throw businessError('POP_RANDOM_TOO_MANY', { max: RANDOM_MAX });
  if (n === 0) return null;
  const [range] = await ctx.main.query<{ lo: number | string | null; hi: number | string | null }>(
    sql`SELECT MIN(id) AS lo, MAX(id) AS hi FROM ${plan.t.from} WHERE ${allOf([plan.t.scope])}`,
  );
  // Stryker disable next-line OptionalChaining: MIN/MAX always answer one row
  const lo = Number(range?.lo ?? 0);
  // Stryker disable next-line OptionalChaining: as above
  const hi = Number(range?.hi ?? 0);
  return lo + Math.floor(Math.random() * (hi - lo + 1));
}


export async function popOne(ctx: OperationContext, input: PopInput): Promise<Popped> {
  const t = await openHostedTable(ctx, SERVICE, input.modelName, input.checkCode);
  const { dialect } = ctx.main;
  if (input.fields) checkColumns([...input.fields], t.info, 'fields');
  const columns = input.fields ?? t.info.columns.map((c) => c.name);
  const values = writeValues(input.data ?? {}, t, 'data');
  const conditions = input.where.items.length ? compileWhere(input.where, t.info, dialect, 'where') : null;
  const match = allOf([t.scope, ownerCondition(input.modelUuid), conditions]);
  const set = join([...Object.entries(values).map(([k, v]) => sql`${ident(k)} = ${param(v)}`), sql`update_time = ${sqlNow()}`]);
  const plan: Plan = { t, columns, match, set };

  const pivot = input.orderType === 3 ? await randomPivot(ctx, plan) : undefined;
  if (pivot === null) throw businessError('POP_NOTHING');
  let row: Row | undefined;
  try {
    row = await retryConflicts(ctx.main, 'pop_one', () =>
      ctx.main.transaction(async (tx) => {
        if (pivot === undefined) return takeOne(tx, plan, null, ORDERS[input.orderType]!);
        return (await takeOne(tx, plan, sql`id >= ${pivot}`, 'id ASC')) ?? takeOne(tx, plan, sql`id < ${pivot}`, 'id ASC');
      }),
    );
  } catch (err) {
    if (!dialect.isRetryableConflict(err)) throw err;
    // Every attempt lost its conflict and was rolled back: nothing was popped, the caller may try again.
    const errorId = randomUUID();
    // Stryker disable next-line StringLiteral,ObjectLiteral: log text
    ctx.log.warn({ err, errorId, service: SERVICE }, 'pop gave up after write conflicts');
    throw businessError('POP_BUSY', { errorId });
  }
  if (!row) throw businessError('POP_NOTHING');
  return { id: Number(row.id), row: answerRow(row, columns) };
}
