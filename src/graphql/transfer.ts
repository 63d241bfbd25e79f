/**
 * `transfer` (App.DB_MsSQL_Data.Transfer). Amounts and balances are decimal digits in a String:
 * GraphQL's Int is 32 bits, and a BIGINT balance must stay exact at any size.
 */
import { transfer, transferInput, type Transferred } from '../operations/transfer.js';
import { builder } from './builder.js';
import { BusinessError } from './business-error.js';
import { opOf } from './context.js';

const Transfer = builder.objectRef<Transferred>('Transfer').implement({
  description: 'A transfer that committed: both new balances and the amount moved, as decimal digits.',
  fields: (t) => ({
    fromBalance: t.string({ description: "The source's balance after the transfer (legacy `from_account_amout`).", resolve: (r) => r.from.toString() }),
    toBalance: t.string({ description: "The target's balance after the transfer (legacy `to_account_amout`).", resolve: (r) => r.to.toString() }),
    amount: t.string({ description: 'The amount moved.', resolve: (r) => r.amount.toString() }),
  }),
});

const f = transferInput.shape;

builder.mutationField('transfer', (t) =>
  t.field({
    type: Transfer,
    description:
      'App.DB_MsSQL_Data.Transfer: moves `amount` from the row of `table` whose `accountField` is `from` to the one whose `accountField` is `to`, in the integer column `amountField`, in one transaction. errCode 10/11: source missing/not unique; 12: source balance too low; 20/21: target missing/not unique; 1: developer error.',
    errors: { types: [BusinessError] },
    args: {
      db: t.arg.string({ required: true, description: 'The db_mark.', validate: f.dbMark }),
      table: t.arg.string({ required: true, description: 'The model_name (table_prefix is added).', validate: f.modelName }),
      accountField: t.arg.string({ required: true, description: 'The column naming accounts (any type).', validate: f.accountField }),
      from: t.arg.string({ required: true, description: 'The source account: its accountField value.', validate: f.fromAccount }),
      to: t.arg.string({ required: true, description: 'The target account: its accountField value.', validate: f.toAccount }),
      amountField: t.arg.string({ required: true, description: 'An integer column holding the balances.', validate: f.amountField }),
      amount: t.arg.string({ required: true, description: 'A positive integer as decimal digits, at most 9223372036854775807.', validate: f.amount }),
    },
    resolve: (_root, args, ctx) =>
      transfer(opOf(ctx), {
        dbMark: args.db,
        modelName: args.table,
        accountField: args.accountField,
        fromAccount: args.from,
        toAccount: args.to,
        amountField: args.amountField,
        amount: args.amount,
      }),
  }),
);
