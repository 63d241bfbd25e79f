/**
 * The calls the benches make, on both faces: each operation of the fixed data set (dataset.ts)
 * as signed legacy URLs and signed GraphQL POSTs. `npm run bench` sends them over HTTP,
 * `npm run bench:pipeline` hands them to the server's entry points in-process.
 */
import { dynamicSign, payloadSign } from '../../src/guards/sign.js';
import type { App } from '../../src/records/apps.js';
import { BANK_TABLE, QUEUES, TREE_TABLE } from './dataset.js';
import type { Call } from './load.js';

/** The db_mark under which the owner database (the tree, the accounts) is registered. */
export const DB_MARK = 'bench_db';

export interface Operation {
  readonly name: string;
  readonly legacy: Call[];
  readonly graphql: Call[];
  /**
   * Reads only: the bare floor's `ret`, `data` and `msg` must equal yesgraph's legacy answer's,
   * value for value (`npm run bench` checks it before measuring), so the floor is held to the
   * same answer.
   */
  readonly readOnly: boolean;
}

function legacyCall(app: App, params: Record<string, string | number>): Call {
  const map = new Map(Object.entries(params).map(([k, v]) => [k, String(v)]));
  map.set('app_key', app.appKey);
  map.set('sign', dynamicSign(map, app.appSecret));
  return { method: 'GET', path: `/?${new URLSearchParams([...map])}` };
}

function graphqlCall(app: App, query: string, variables: Record<string, unknown>): Call {
  const body = JSON.stringify({ query, variables });
  return {
    method: 'POST',
    path: '/graphql',
    body,
    headers: { 'content-type': 'application/json', 'x-app-key': app.appKey, 'x-sign': payloadSign(body, app.appSecret) },
  };
}

const COMMENT = 'id nickname content postTime parentId';
const POP = `mutation($t: String!) { popOne(table: $t, where: {conditions: [{field: "state", op: EQ, value: 0}]}, data: {state: 1}, fields: ["id", "code"]) { ... on MutationPopOneSuccess { data { id code: value(column: "code") } } ... on BusinessError { errCode message } } }`;
const TRANSFER = `mutation($from: String!, $to: String!) { transfer(db: "${DB_MARK}", table: "${BANK_TABLE}", accountField: "code", from: $from, to: $to, amountField: "balance", amount: "1") { ... on MutationTransferSuccess { data { fromBalance toBalance } } ... on BusinessError { errCode message } } }`;
const POP_WHERE = '[["state","=",0]]';
const SHOW = `query($key: String) { messages(key: $key, perpage: 10) { total items { ${COMMENT} children { ${COMMENT} children { ${COMMENT} } } } } }`;
const TREE = `query($p: Int) { freeTree(db: "${DB_MARK}", table: "${TREE_TABLE}", parentId: $p) { ... on QueryFreeTreeSuccess { data { id parentId values children { id parentId values } } } ... on BusinessError { errCode message } } }`;

/** Transfers of 1 from each even account to the next odd one: no two callers lock the same pair at once. */
function transferPairs(codes: readonly string[]): Array<[string, string]> {
  return Array.from({ length: Math.floor(codes.length / 2) }, (_, i) => [codes[2 * i]!, codes[2 * i + 1]!]);
}

export function operations(app: App, keys: readonly string[], roots: readonly number[], accounts: readonly string[]): Operation[] {
  const pairs = transferPairs(accounts);
  return [
    {
      name: 'Hello',
      readOnly: true,
      legacy: [legacyCall(app, { s: 'App.Hello.World', name: 'bench' })],
      graphql: [graphqlCall(app, '{ hello(name: "bench") }', {})],
    },
    {
      name: 'Show (10 threads × 3 levels)',
      readOnly: true,
      legacy: keys.map((k) => legacyCall(app, { s: 'App.Market_Message.Show', message_key: k, perpage: 10 })),
      graphql: keys.map((k) => graphqlCall(app, SHOW, { key: k })),
    },
    {
      name: 'FreeTree (10 + 190 nodes)',
      readOnly: true,
      legacy: roots.map((r) => legacyCall(app, { s: 'App.DB_MsSQL_Data.FreeTree', db_mark: DB_MARK, model_name: TREE_TABLE, parent_id: r })),
      graphql: roots.map((r) => graphqlCall(app, TREE, { p: r })),
    },
    {
      // The bare server pops from a queue of its own, whatever model_name says.
      name: 'PopOne (queue of 100,000)',
      readOnly: false,
      legacy: [legacyCall(app, { s: 'App.Table.FreePopOne', model_name: QUEUES.legacy, where: POP_WHERE, data: '{"state":1}', fields: 'id,code' })],
      graphql: [graphqlCall(app, POP, { t: QUEUES.graphql })],
    },
    {
      name: 'Transfer (1,000 accounts)',
      readOnly: false,
      legacy: pairs.map(([from, to]) =>
        legacyCall(app, { s: 'App.DB_MsSQL_Data.Transfer', db_mark: DB_MARK, model_name: BANK_TABLE, account_field: 'code', from_account: from, to_account: to, amount_field: 'balance', amount: 1 }),
      ),
      graphql: pairs.map(([from, to]) => graphqlCall(app, TRANSFER, { from, to })),
    },
  ];
}
