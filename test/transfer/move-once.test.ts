/**
 * One transfer attempt (moveOnce) against a stand-in executor, for what the engines cannot be
 * made to do on cue: a value the engine rejects in the debit or credit is the caller's
 * TRANSFER_OUT_OF_RANGE, any other failure there stays the fault it is (answered 500, or
 * retried when it is a conflict) and is never disguised as a business error. Also the length
 * rules of the names a transfer takes.
 */
import { describe, expect, it } from 'vitest';
import { ValueRejectedError, type ExecResult, type Executor, type Row } from '../../src/db/store.js';
import { mysqlDialect } from '../../src/db/mysql.js';
import { BusinessError } from '../../src/errors.js';
import { moveOnce, transferInput, type TransferPlan } from '../../src/operations/transfer.js';

const plan: TransferPlan = {
  table: 'bank',
  modelName: 'bank',
  accountField: 'code',
  amountField: 'balance',
  from: { text: 'a', key: 'a' },
  to: { text: 'b', key: 'b' },
  amount: 5n,
};

/** Each account's row by the key its lock statement asks for; `fail` is thrown by the n-th write. */
function standIn(fail: Error, at: number): Executor {
  const rows: Record<string, Row> = { a: { id: 1, balance: '100' }, b: { id: 2, balance: '7' } };
  let writes = 0;
  return {
    dialect: mysqlDialect,
    async query<T>(q: { parts: ReadonlyArray<{ kind: string; value?: unknown }> }): Promise<T[]> {
      const key = q.parts.find((p) => p.kind === 'param')?.value as string;
      return [rows[key]] as T[];
    },
    async execute(): Promise<ExecResult> {
      if (++writes === at) throw fail;
      return { affectedRows: 1, insertId: null };
    },
  } as unknown as Executor;
}

describe('one transfer attempt', () => {
  it('answers both balances when both writes change their row', async () => {
    expect(await moveOnce(standIn(new Error('never'), 0), plan)).toEqual({ from: 95n, to: 12n, amount: 5n });
  });

  for (const [at, side] of [[1, 'debit'], [2, 'credit']] as const) {
    it(`turns a value the engine rejects in the ${side} into TRANSFER_OUT_OF_RANGE`, async () => {
      const err = await moveOnce(standIn(new ValueRejectedError('out of range'), at), plan).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BusinessError);
      expect((err as BusinessError).message).toContain('bank');
    });

    it(`leaves any other failure of the ${side} as it is, not a business error`, async () => {
      const fault = Object.assign(new Error('Deadlock found'), { errno: 1213 });
      await expect(moveOnce(standIn(fault, at), plan)).rejects.toBe(fault);
    });
  }
});

describe('the names a transfer takes', () => {
  for (const name of ['modelName', 'accountField', 'amountField'] as const) {
    it(`${name}: 1 to 64 characters`, () => {
      const rule = transferInput.shape[name];
      expect(rule.safeParse('x').success).toBe(true);
      expect(rule.safeParse('x'.repeat(64)).success).toBe(true);
      expect(rule.safeParse('x'.repeat(65)).success).toBe(false);
      expect(rule.safeParse('').success).toBe(false);
    });
  }
});
