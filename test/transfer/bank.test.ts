/**
 * The bank test, as Jepsen runs it: 50 accounts with a known total; 16 concurrent callers send
 * 5,000 random transfers through `server.fetch` (both faces, both directions, amounts sometimes
 * above the balance) while readers keep summing the table on their own connections. Every read
 * must see the total and no negative balance, no answer may be a 500, and the transfers that
 * answered success must explain every final balance exactly. On MariaDB the run is repeated
 * while the server's connections to the database are killed: a call that answered an error
 * must not have moved anything, so the same accounting must still hold.
 */
import { setImmediate } from 'node:timers/promises';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/db/open.js';
import { raw } from '../../src/db/sql.js';
import type { Store } from '../../src/db/store.js';
import { MYSQL_URL } from '../support/stores.js';
import { useServer, type TestServer } from '../support/server.js';
import { freshDatabase, storeKinds, type FreshDatabase } from '../support/stores.js';
import { balances, createBank, TRANSFER, type TransferResult } from './fixtures.js';

const kinds = await storeKinds();

const ACCOUNTS = 50;
const EACH = 1000;
const TOTAL = ACCOUNTS * EACH;
const TRANSFERS = 5000;
const CALLERS = 16;
const READERS = 2;
/** A run takes well under a minute on two busy cores; the limit is for a machine shared with other work. */
const RUN_TIMEOUT_MS = 180_000;
/** Amounts up to 1.5× the starting balance: many transfers ask for more than the source holds. */
const MAX_AMOUNT = 1500;

/** A small seeded generator (mulberry32), so that a failing run can be replayed. */
function random(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return Math.floor((((x ^ (x >>> 14)) >>> 0) / 4294967296) * n);
  };
}

interface Transfer {
  readonly from: number;
  readonly to: number;
  readonly amount: number;
}

interface Ledger {
  readonly done: Transfer[];
  /** err_code 12 answers. */
  low: number;
  /** Any other business error: [err_code, err_msg]. */
  readonly refused: Array<[number, string]>;
  /** ret ≠ 200 or a GraphQL error: these must never happen. */
  readonly faults: string[];
  /** A success whose answered balances are impossible. */
  readonly wrong: string[];
}

interface Read {
  readonly sum: bigint;
  readonly min: bigint;
  readonly rows: number;
}

/** A reader on its own connection: sum, minimum and count of the balances, in one statement. */
interface Reader {
  read(): Promise<Read>;
  readonly threadId: number | null;
  close(): Promise<void>;
}

const SUM = 'SELECT SUM(balance) AS s, MIN(balance) AS m, COUNT(*) AS n FROM bank';
const toRead = (row: { s: unknown; m: unknown; n: unknown }): Read => ({ sum: BigInt(String(row.s)), min: BigInt(String(row.m)), rows: Number(row.n) });

async function openReader(kind: string, url: string): Promise<Reader> {
  if (kind === 'mysql') {
    const conn = await mysql.createConnection({ uri: url, supportBigNumbers: true, bigNumberStrings: true });
    return {
      threadId: conn.threadId,
      read: async () => toRead(((await conn.query(SUM))[0] as Array<{ s: unknown; m: unknown; n: unknown }>)[0]!),
      close: () => conn.end(),
    };
  }
  const store = openStore(url);
  return {
    threadId: null,
    read: async () => toRead((await store.query<{ s: unknown; m: unknown; n: unknown }>(raw(SUM)))[0]!),
    close: () => store.close(),
  };
}

/** One random transfer over one face; the answer is put in the ledger. */
async function send(t: TestServer, codes: readonly string[], ledger: Ledger, tr: Transfer, face: 'get' | 'post' | 'graphql'): Promise<void> {
  const [from, to, amount] = [codes[tr.from]!, codes[tr.to]!, String(tr.amount)];
  let code: number;
  let message: string;
  let after: [string, string] | null = null;
  if (face === 'graphql') {
    const res = await t.graphql<TransferResult>(TRANSFER, { db: 'bank', table: 'bank', accountField: 'code', from, to, amountField: 'balance', amount });
    const r = res.data?.transfer;
    if (res.errors || !r) return void ledger.faults.push(JSON.stringify(res.errors));
    code = r.errCode ?? 0;
    message = r.message ?? '';
    if (r.data) after = [r.data.fromBalance, r.data.toBalance];
  } else {
    const params = { s: 'App.DB_MsSQL_Data.Transfer', model_name: 'bank', db_mark: 'bank', account_field: 'code', from_account: from, to_account: to, amount_field: 'balance', amount };
    const env = await t.legacy(params, { method: face === 'post' ? 'POST' : 'GET' });
    if (env.ret !== 200) return void ledger.faults.push(`${env.ret} ${env.msg}`);
    code = env.data.err_code!;
    message = env.data.err_msg!;
    if (code === 0) after = [String(env.data.from_account_amout), String(env.data.to_account_amout)];
  }
  if (code === 0) {
    ledger.done.push(tr);
    if (BigInt(after![0]) < 0n || BigInt(after![1]) < BigInt(tr.amount)) ledger.wrong.push(`${JSON.stringify(tr)} → ${after!.join('/')}`);
  } else if (code === 12) ledger.low++;
  else ledger.refused.push([code, message]);
}

interface Run {
  readonly ledger: Ledger;
  readonly reads: Read[];
  readonly kills: number;
}

/**
 * 5,000 transfers from 16 callers; readers sum all along. `kill`, when given, ends one of the
 * server's connections to the database now and then while the transfers run.
 */
async function runBank(t: TestServer, kind: string, url: string, codes: readonly string[], seed: number, kill?: (spare: number[]) => Promise<boolean>): Promise<Run> {
  const rand = random(seed);
  const ledger: Ledger = { done: [], low: 0, refused: [], faults: [], wrong: [] };
  const reads: Read[] = [];
  const readers = await Promise.all(Array.from({ length: READERS }, () => openReader(kind, url)));
  let sent = 0;
  let running = true;
  let kills = 0;

  const caller = async () => {
    while (sent < TRANSFERS) {
      const i = sent++;
      const from = rand(ACCOUNTS);
      const to = (from + 1 + rand(ACCOUNTS - 1)) % ACCOUNTS;
      await send(t, codes, ledger, { from, to, amount: 1 + rand(MAX_AMOUNT) }, (['get', 'graphql', 'post', 'graphql'] as const)[i % 4]!);
      // In-process calls over SQLite never wait for I/O: let the readers' timers run, as requests arriving over sockets would.
      await setImmediate();
    }
  };
  const reader = async (r: Reader) => {
    while (running) {
      reads.push(await r.read());
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  const killer = async () => {
    if (!kill) return;
    const spare = readers.map((r) => r.threadId!);
    while (running) {
      await new Promise((resolve) => setTimeout(resolve, 100 + rand(200)));
      if (running && (await kill(spare))) kills++;
    }
  };

  const background = [...readers.map(reader), killer()];
  try {
    await Promise.all(Array.from({ length: CALLERS }, caller));
  } finally {
    running = false;
    await Promise.all(background);
    await Promise.all(readers.map((r) => r.close()));
  }
  return { ledger, reads, kills };
}

/** What the successful transfers leave in each account (by id = index + 1). */
function expectedBalances(done: readonly Transfer[]): Record<number, string> {
  const out = Array.from({ length: ACCOUNTS }, () => EACH);
  for (const tr of done) {
    out[tr.from]! -= tr.amount;
    out[tr.to]! += tr.amount;
  }
  return Object.fromEntries(out.map((v, i) => [i + 1, String(v)]));
}

function expectConsistent(run: Run, final: Record<number, string | null>): void {
  const { ledger, reads } = run;
  expect(ledger.faults).toEqual([]);
  expect(ledger.wrong).toEqual([]);
  expect(ledger.done.length + ledger.low + ledger.refused.length).toBe(TRANSFERS);
  // Enough of both outcomes to mean something.
  expect(ledger.done.length).toBeGreaterThan(TRANSFERS / 4);
  expect(ledger.low).toBeGreaterThan(50);
  expect(reads.length).toBeGreaterThan(20);
  expect(reads.filter((r) => r.sum !== BigInt(TOTAL) || r.min < 0n || r.rows !== ACCOUNTS)).toEqual([]);
  expect(final).toEqual(expectedBalances(ledger.done));
}

describe.each(kinds)('the bank over a %s db_mark', (kind) => {
  const t = useServer(kind);
  let owner: FreshDatabase;
  let codes: string[];

  /** Opens a store on the owner's database for `fn`, and closes it (its connections are not the server's). */
  async function withOwner<T>(fn: (store: Store) => Promise<T>): Promise<T> {
    const store = openStore(owner.url);
    try {
      return await fn(store);
    } finally {
      await store.close();
    }
  }

  beforeAll(async () => {
    owner = await freshDatabase(kind);
    codes = await withOwner((store) => createBank(store, 'bank', ACCOUNTS, EACH));
    await t.rt.databases.add(t.app.id, 'bank', owner.url, '', { operator: true });
  });
  afterAll(async () => {
    await owner?.drop();
  });

  it('conserves the total through 5,000 concurrent transfers on both faces', async () => {
    const run = await runBank(t, kind, owner.url, codes, 20240614);
    expect(run.ledger.refused).toEqual([]);
    expectConsistent(run, await withOwner((store) => balances(store, 'bank', 'balance')));
  }, RUN_TIMEOUT_MS);

  it.runIf(kind === 'mysql')('loses and creates nothing while the server’s connections are killed', async () => {
    await withOwner((store) => store.execute(raw(`UPDATE bank SET balance = ${EACH}`)));
    const database = new URL(owner.url).pathname.slice(1);
    const admin = await mysql.createConnection({ uri: MYSQL_URL });
    try {
      const kill = async (spare: number[]) => {
        const [rows] = await admin.query('SELECT ID AS id FROM information_schema.PROCESSLIST WHERE DB = ? AND ID NOT IN (?)', [database, spare]);
        const ids = (rows as Array<{ id: number }>).map((r) => Number(r.id));
        if (!ids.length) return false;
        await admin.query(`KILL ${ids[Math.floor(Math.random() * ids.length)]!}`).catch(() => undefined);
        return true;
      };
      const run = await runBank(t, kind, owner.url, codes, 20240615, kill);
      expect(run.kills).toBeGreaterThanOrEqual(10);
      // The affected calls answered a clean error with an id for the log, and nothing else.
      expect(run.ledger.refused.length).toBeGreaterThan(0);
      expect(run.ledger.refused.filter(([code, msg]) => code !== 1 || !/错误编号：[0-9a-f-]{36}$/.test(msg))).toEqual([]);
      expectConsistent(run, await withOwner((store) => balances(store, 'bank', 'balance')));
      // No prepared transfer is left holding locks (one still present after a pause would be).
      const prepared = async () => {
        const [rows] = await admin.query('XA RECOVER');
        return (rows as Array<{ data: Buffer | string }>).map((r) => r.data.toString()).filter((x) => x.startsWith('yg-xa-'));
      };
      const first = await prepared();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect((await prepared()).filter((x) => first.includes(x))).toEqual([]);
    } finally {
      await admin.end();
    }
  }, RUN_TIMEOUT_MS);
});
