/** Owner tables for the transfer suites, created with plain SQL on any engine. */
import { ident, raw, sql } from '../../src/db/sql.js';
import type { Store } from '../../src/db/store.js';
import { createTable } from '../tree/fixtures.js';

export const SERVICE = 'App.DB_MsSQL_Data.Transfer';

/** Seed 004's TestTable: rows 3 and 4 hold 4 and 17 (and two neighbours that must not move). */
export const SEED_ROWS: ReadonlyArray<readonly [number, string, number]> = [
  [1, '甲', 100],
  [3, '中文123abc', 4],
  [4, '中文123abc', 17],
  [5, '乙', 50],
];

/** Seed 004's request, without app_key and sign. */
export const SEED_PARAMS = {
  s: SERVICE,
  model_name: 'TestTable',
  db_mark: 'db_test',
  account_field: 'id',
  from_account: '3',
  to_account: '4',
  amount_field: 'quantity',
  amount: '2',
} as const;

/** Seed 004's answer (`data`), verbatim. */
export const SEED_ANSWER = { err_code: 0, err_msg: '', from_account_amout: 2, to_account_amout: 19, amount: 2 };

/** The GraphQL face's transfer, answering either member of the union. */
export const TRANSFER = `mutation Transfer($db: String!, $table: String!, $accountField: String!, $from: String!, $to: String!, $amountField: String!, $amount: String!) {
  transfer(db: $db, table: $table, accountField: $accountField, from: $from, to: $to, amountField: $amountField, amount: $amount) {
    __typename
    ... on MutationTransferSuccess { data { fromBalance toBalance amount } }
    ... on BusinessError { errCode message }
  }
}`;

export interface TransferResult {
  transfer: { __typename: string; data?: { fromBalance: string; toBalance: string; amount: string }; errCode?: number; message?: string };
}

const TEXT = { sqlite: 'VARCHAR(50)', mysql: 'VARCHAR(50)', mssql: 'NVARCHAR(50)' } as const;

export async function createSeedTable(store: Store, table = 'TestTable'): Promise<void> {
  await createTable(store, table, { name: `${TEXT[store.dialect.name]} NULL`, quantity: 'INT NULL' }, SEED_ROWS);
}

/**
 * `bank`: `accounts` rows with a unique text account `code` (`acc00`, `acc01`, …) and a BIGINT
 * `balance` of `each`.
 */
export async function createBank(store: Store, table: string, accounts: number, each: number): Promise<string[]> {
  const codes = Array.from({ length: accounts }, (_, i) => `acc${String(i).padStart(2, '0')}`);
  await createTable(
    store,
    table,
    { code: `${TEXT[store.dialect.name]} NOT NULL`, balance: 'BIGINT NOT NULL' },
    codes.map((code, i) => [i + 1, code, each]),
  );
  await store.execute(sql`CREATE UNIQUE INDEX ${ident(`${table}_code`)} ON ${ident(table)} (${ident('code')})`);
  return codes;
}

/** Every row's amount column, exactly (as text), by id. */
export async function balances(store: Store, table: string, column: string): Promise<Record<number, string | null>> {
  const text = store.dialect.name === 'mssql' ? raw('NVARCHAR(40)') : store.dialect.name === 'mysql' ? raw('CHAR') : raw('TEXT');
  const rows = await store.query<{ id: unknown; v: string | null }>(
    sql`SELECT ${ident('id')} AS id, CAST(${ident(column)} AS ${text}) AS v FROM ${ident(table)} ORDER BY ${ident('id')}`,
  );
  return Object.fromEntries(rows.map((r) => [Number(r.id), r.v]));
}
