/**
 * Zero-sum transfers between two rows of an owner's table (App.DB_MsSQL_Data.Transfer, GraphQL
 * `transfer`): `amount` moves from the row whose account field holds `from` to the row holding
 * `to`, in the same integer column, so the column's total never changes.
 *
 * One transaction: both rows are read with row locks, the lower account first, so two opposite
 * transfers queue instead of deadlocking; existence, uniqueness and the balance are checked under
 * those locks; the debit is conditional on the balance (`… AND amount >= ?`), so no interleaving
 * can make it negative. Deadlocks and lock timeouts are retried a few times with jitter. Amounts
 * and balances are BigInts from the request to the answer, exact to BIGINT's limits.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Dialect } from '../db/dialect.js';
import { retryConflicts } from '../db/retry.js';
import { ident, sql, type Sql } from '../db/sql.js';
import { OutcomeUnknownError, ValueRejectedError, type Executor, type Row } from '../db/store.js';
import { BusinessError, businessError, ProtocolError, refuse } from '../errors.js';
import type { OperationContext } from './context.js';
import { databaseInput } from './database-input.js';
import { openDirectTable, requireColumn, type DirectTable } from './direct-table.js';
import { text } from './input.js';

const SERVICE = 'App.DB_MsSQL_Data.Transfer';

/** BIGINT's maximum: the largest amount, and the largest balance a transfer may leave. */
export const MAX_AMOUNT = 2n ** 63n - 1n;

export const transferInput = z.object({
  dbMark: databaseInput.shape.dbMark,
  /** Without the db_mark's table_prefix. */
  modelName: text({ min: 1, max: 64 }),
  /** The column naming accounts: any type, unique or not. */
  accountField: text({ min: 1, max: 64 }),
  fromAccount: text({ min: 1, max: 255 }),
  toAccount: text({ min: 1, max: 255 }),
  /** An integer column. */
  amountField: text({ min: 1, max: 64 }),
  /** Decimal digits, read by `parseAmount` (a BIGINT does not fit the integer rule's 15 digits). */
  amount: text({ max: 32 }),
});

export type TransferInput = z.output<typeof transferInput>;

export interface Transferred {
  /** The source's balance after the transfer. */
  readonly from: bigint;
  /** The target's balance after the transfer. */
  readonly to: bigint;
  readonly amount: bigint;
}

/** `amount`: an integer 1 … MAX_AMOUNT, refused in the integer rule's words. */
export function parseAmount(raw: string, name = 'amount'): bigint {
  const t = raw.trim();
  if (t === '') throw refuse('PARAM_MISSING', { name });
  if (!/^[+-]?\d+$/.test(t)) throw refuse('PARAM_NOT_INT', { name, value: raw });
  const n = BigInt(t);
  if (n < 1n) throw refuse('PARAM_TOO_SMALL', { name, min: 1, value: n.toString() });
  if (n > MAX_AMOUNT) throw refuse('PARAM_TOO_LARGE', { name, max: MAX_AMOUNT.toString(), value: n.toString() });
  return n;
}

/** An account as the statements name it: an exact integer for an integer column, else the text. */
type Key = bigint | string;

interface Account {
  /** The text the caller sent. */
  readonly text: string;
  /** null: no row can hold it (not an integer, or beyond BIGINT, for an integer column). */
  readonly key: Key | null;
}

export interface TransferPlan {
  /** The real table name (table_prefix included). */
  readonly table: string;
  /** The name the caller sent, for messages. */
  readonly modelName: string;
  readonly accountField: string;
  readonly amountField: string;
  readonly from: Account;
  readonly to: Account;
  readonly amount: bigint;
}

function accountOf(text: string, integerColumn: boolean): Account {
  if (!integerColumn) return { text, key: text };
  const t = text.trim();
  if (!/^[+-]?\d+$/.test(t)) return { text, key: null };
  const n = BigInt(t);
  return { text, key: n >= -MAX_AMOUNT - 1n && n <= MAX_AMOUNT ? n : null };
}

function planTransfer(t: DirectTable, input: TransferInput, amount: bigint): TransferPlan {
  const account = requireColumn(t, 'account_field', input.accountField);
  requireColumn(t, 'amount_field', input.amountField, 'integer');
  if (t.table.byName.get('id')?.kind !== 'integer') throw businessError('ID_NOT_INTEGER', SERVICE, { table: t.modelName });
  if (input.accountField === input.amountField) throw businessError('TRANSFER_SAME_COLUMN');
  const integers = account.kind === 'integer';
  const from = accountOf(input.fromAccount, integers);
  const to = accountOf(input.toAccount, integers);
  if (from.key !== null && from.key === to.key) throw sameAccount();
  return { table: t.table.name, modelName: t.modelName, accountField: input.accountField, amountField: input.amountField, from, to, amount };
}

const sameAccount = () => businessError('TRANSFER_SAME_ACCOUNT');

/**
 * The sides in the order their rows are locked: the lower key first (integers by value, text by
 * code units), so that every pair of transfers takes shared rows in the same order. A side no
 * row can hold is not read.
 */
export function lockOrder(plan: TransferPlan): Array<'from' | 'to'> {
  const sides = (['from', 'to'] as const).filter((s) => plan[s].key !== null);
  // Stryker disable next-line EqualityOperator: equal keys never get here (TRANSFER_SAME_ACCOUNT first)
  return sides.length === 2 && plan.to.key! < plan.from.key! ? ['to', 'from'] : [...sides];
}

/** The rows holding `key` (two at most: a second one already makes the account not unique), locked. */
export function lockStatement(plan: TransferPlan, dialect: Dialect, key: Key): Sql {
  const lock = dialect.rowLock;
  const value = typeof key === 'bigint' ? dialect.integerParam(key) : sql`${key}`;
  const id = ident('id');
  return sql`SELECT ${id}, ${dialect.exactInteger(ident(plan.amountField))} AS ${ident('balance')} FROM ${ident(plan.table)}${lock.hint} WHERE ${ident(plan.accountField)} = ${value} ORDER BY ${id}${dialect.limitOffset(2, 0)}${lock.suffix}`;
}

/** The debit, conditional on the balance: it changes no row rather than go below zero. */
export function debitStatement(plan: TransferPlan, dialect: Dialect, id: bigint): Sql {
  const column = ident(plan.amountField);
  const amount = dialect.integerParam(plan.amount);
  return sql`UPDATE ${ident(plan.table)} SET ${column} = ${column} - ${amount} WHERE ${ident('id')} = ${dialect.integerParam(id)} AND ${column} >= ${amount}`;
}

/** The credit; a NULL balance counts as 0, as it does in the column's SUM. */
export function creditStatement(plan: TransferPlan, dialect: Dialect, id: bigint): Sql {
  const column = ident(plan.amountField);
  return sql`UPDATE ${ident(plan.table)} SET ${column} = COALESCE(${column}, 0) + ${dialect.integerParam(plan.amount)} WHERE ${ident('id')} = ${dialect.integerParam(id)}`;
}

interface Locked {
  readonly id: bigint;
  /** null for a NULL balance. */
  readonly balance: bigint | null;
}

const INTEGER_TEXT = /^-?\d+$/;

const CODES = {
  from: { missing: 'SOURCE_MISSING', notUnique: 'SOURCE_NOT_UNIQUE' },
  to: { missing: 'TARGET_MISSING', notUnique: 'TARGET_NOT_UNIQUE' },
} as const;

/** The one row of an account, or its err_code for none (missing) or two (not unique). */
function single(rows: readonly Row[], side: 'from' | 'to', plan: TransferPlan): Locked {
  if (rows.length !== 1) {
    throw businessError(CODES[side][rows.length === 0 ? 'missing' : 'notUnique']);
  }
  const row = rows[0]!;
  const id = String(row.id);
  // Stryker disable next-line ConditionalExpression: the statement always names the balance column (null, never undefined)
  const balance = row.balance === null || row.balance === undefined ? null : String(row.balance);
  if (!INTEGER_TEXT.test(id)) throw businessError('ID_NOT_INTEGER', SERVICE, { table: plan.modelName });
  // SQLite stores whatever it is given, whatever the column's declared type.
  if (balance !== null && !INTEGER_TEXT.test(balance)) throw businessError('TRANSFER_BALANCE_NOT_INTEGER', { table: plan.modelName, column: plan.amountField });
  return { id: BigInt(id), balance: balance === null ? null : BigInt(balance) };
}

/**
 * One attempt, inside the transaction: every statement a transfer sends, in order. Checks come
 * in the order of the err_codes' meaning: 10, 11, 20, 21, then 12.
 */
export async function moveOnce(tx: Executor, plan: TransferPlan): Promise<Transferred> {
  const d = tx.dialect;
  const rows: { from: readonly Row[]; to: readonly Row[] } = { from: [], to: [] };
  for (const side of lockOrder(plan)) {
    rows[side] = await tx.query(lockStatement(plan, d, plan[side].key!));
    if (side === 'from') single(rows.from, 'from', plan);
  }
  const from = single(rows.from, 'from', plan);
  const to = single(rows.to, 'to', plan);
  if (from.id === to.id) throw sameAccount();
  const fromBefore = from.balance ?? 0n;
  if (fromBefore < plan.amount) throw businessError('SOURCE_TOO_LOW');
  const toAfter = (to.balance ?? 0n) + plan.amount;
  if (toAfter > MAX_AMOUNT) throw outOfRange(plan);
  try {
    // Both rows are locked: the guard in the debit can only matter if a lock did not hold.
    // Stryker disable next-line ConditionalExpression,StringLiteral: unreachable while the row locks hold (see above)
    if ((await tx.execute(debitStatement(plan, d, from.id))).affectedRows !== 1) throw businessError('SOURCE_TOO_LOW');
    // Stryker disable next-line ConditionalExpression,StringLiteral: as above
    if ((await tx.execute(creditStatement(plan, d, to.id))).affectedRows !== 1) throw new Error('the credit changed no row');
  } catch (err) {
    if (err instanceof ValueRejectedError) throw outOfRange(plan);
    throw err;
  }
  return { from: fromBefore - plan.amount, to: toAfter, amount: plan.amount };
}

const outOfRange = (plan: TransferPlan) => businessError('TRANSFER_OUT_OF_RANGE', { table: plan.modelName });

export async function transfer(ctx: OperationContext, input: TransferInput): Promise<Transferred> {
  const amount = parseAmount(input.amount);
  const t = await openDirectTable(ctx, SERVICE, input.dbMark, input.modelName);
  const plan = planTransfer(t, input, amount);
  try {
    return await retryConflicts(t.store, 'transfer', () => t.store.transactionKnownOutcome((tx) => moveOnce(tx, plan), ctx.log));
  } catch (err) {
    if (err instanceof BusinessError || err instanceof ProtocolError || err instanceof ValueRejectedError) throw err;
    const errorId = randomUUID();
    // Stryker disable next-line StringLiteral,ObjectLiteral: log text
    ctx.log.warn({ err, errorId, service: SERVICE }, 'transfer failed');
    if (err instanceof OutcomeUnknownError) throw businessError('TRANSFER_OUTCOME_UNKNOWN', { errorId });
    if (t.store.dialect.isRetryableConflict(err)) throw businessError('TRANSFER_BUSY', { errorId });
    throw businessError('STATEMENT_FAILED', SERVICE, { errorId });
  }
}
