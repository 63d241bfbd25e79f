import { transfer, transferInput } from '../../operations/transfer.js';
import { rule } from '../rules.js';
import { defineService } from '../service.js';

const f = transferInput.shape;

/**
 * An integer as the legacy answer carries it: a JSON number while every client parses it exactly
 * (|n| ≤ 2^53 − 1), beyond that its decimal digits as a string, which no JSON parser rounds.
 */
export function jsonInteger(n: bigint): number | string {
  return n <= BigInt(Number.MAX_SAFE_INTEGER) && n >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(n) : n.toString();
}

export const transferService = defineService({
  name: 'App.DB_MsSQL_Data.Transfer',
  summary:
    'Moves an integer amount from one row to another in the same column of a table of a registered database, in one transaction; answers both new balances.',
  params: {
    model_name: rule(f.modelName, 'table name, without the table_prefix of the db_mark'),
    db_mark: rule(f.dbMark, 'a database registered with App.DB_MsSQL_Config.AddNewDatabaseConfig'),
    account_field: rule(f.accountField, 'the column naming accounts (any type, unique or not)'),
    from_account: rule(f.fromAccount, 'the source: the account_field value of exactly one row'),
    to_account: rule(f.toAccount, 'the target: the account_field value of exactly one other row'),
    amount_field: rule(f.amountField, 'an integer column (tinyint … bigint) holding the balances'),
    amount: rule(f.amount, 'a positive integer, at most 9223372036854775807; the source must hold at least this much'),
  },
  run: async (ctx, p) => {
    const done = await transfer(ctx, {
      dbMark: p.db_mark,
      modelName: p.model_name,
      accountField: p.account_field,
      fromAccount: p.from_account,
      toAccount: p.to_account,
      amountField: p.amount_field,
      amount: p.amount,
    });
    // The platform's spelling (sic).
    return { from_account_amout: jsonInteger(done.from), to_account_amout: jsonInteger(done.to), amount: jsonInteger(done.amount) };
  },
});
