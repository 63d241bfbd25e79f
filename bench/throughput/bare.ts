/**
 * The floor yesgraph is measured against: the least work the protocol allows for each benched
 * call — the dynamic signature checked, the same SQL statements as yesgraph sends (mysql2
 * prepared statements, or better-sqlite3), JSON.stringify, `_auth` — and nothing else: no
 * framework, no validation beyond the signature, no logging.
 *
 * Served over HTTP by bare-server.ts (`npm run bench`), and called in-process by
 * bench/pipeline.ts (`npm run bench:pipeline`).
 */
import { createHash } from 'node:crypto';
import Database, { type Statement } from 'better-sqlite3';
import mysql from 'mysql2/promise';

export type Row = Record<string, unknown>;
type Query = (text: string, params: unknown[]) => Promise<Row[]>;

export interface Db {
  readonly sqlite: boolean;
  readonly query: Query;
  /**
   * `fn` in one transaction on one connection: BEGIN IMMEDIATE on SQLite (one at a time, as
   * yesgraph's store takes them), START TRANSACTION on MySQL, or with `xa` the XA statements
   * yesgraph's Transfer sends (its xid is per connection too).
   */
  transaction<T>(fn: (q: Query) => Promise<T>, xa?: boolean): Promise<T>;
  close(): Promise<void>;
}

export function connect(url: string): Db {
  if (url.startsWith('sqlite:')) {
    const db = new Database(url.slice('sqlite:'.length));
    // Prepared once per text, as yesgraph's SQLite store keeps them.
    const statements = new Map<string, Statement>();
    const query: Query = async (text, params) => {
      let s = statements.get(text);
      if (!s) statements.set(text, (s = db.prepare(text)));
      if (s.reader) return s.all(...params) as Row[];
      s.run(...params);
      return [];
    };
    let lock: Promise<unknown> = Promise.resolve();
    return {
      sqlite: true,
      query,
      transaction(fn) {
        const run = lock.then(async () => {
          db.exec('BEGIN IMMEDIATE');
          try {
            const result = await fn(query);
            db.exec('COMMIT');
            return result;
          } catch (err) {
            db.exec('ROLLBACK');
            throw err;
          }
        });
        lock = run.catch(() => undefined);
        return run;
      },
      close: async () => void db.close(),
    };
  }
  const pool = mysql.createPool({ uri: url, connectionLimit: 10, dateStrings: true, supportBigNumbers: true, bigNumberStrings: true, charset: 'utf8mb4' });
  // As yesgraph's sessions run (src/db/mysql.ts): without it concurrent pops wait on gap locks.
  pool.on('connection', (conn) => {
    (conn as unknown as { query(sql: string, done: (err: unknown) => void): void }).query('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED', () => undefined);
  });
  return {
    sqlite: false,
    query: async (text, params) => (await pool.execute(text, params as never[]))[0] as Row[],
    async transaction(fn, xa = false) {
      const conn = await pool.getConnection();
      const q: Query = async (text, params) => (await conn.execute(text, params as never[]))[0] as Row[];
      const xid = `'bare-xa-${conn.threadId}'`;
      try {
        if (xa) await q(`XA START ${xid}`, []);
        else await conn.beginTransaction();
        try {
          const result = await fn(q);
          if (xa) {
            await q(`XA END ${xid}`, []);
            await q(`XA PREPARE ${xid}`, []);
            await q(`XA COMMIT ${xid}`, []);
          } else await conn.commit();
          return result;
        } catch (err) {
          if (xa) await q(`XA END ${xid}`, []).then(() => q(`XA ROLLBACK ${xid}`, []), () => undefined);
          else await conn.rollback();
          throw err;
        }
      } finally {
        conn.release();
      }
    },
    close: () => pool.end(),
  };
}

const md5 = (s: string) => createHash('md5').update(s, 'utf8').digest('hex');

/** Where the bare services read and write. */
export interface BareSetup {
  readonly main: Db;
  readonly owner: Db;
  readonly appId: number;
  readonly secret: string;
  /** Its own pop queue's table, whatever model_name says. */
  readonly queue: string;
  /** Transfer's table. */
  readonly bank: string;
}

export interface Bare {
  /** The envelope's text for a call's query string: ret 400 when its service is unknown or its signature wrong. */
  answer(params: URLSearchParams): Promise<string>;
}

const COLUMNS = 'id, message_nickname, message_content, message_post_time, message_pid';
const tableName = (name: string) => name.replace(/[^A-Za-z0-9_]/g, '');
const sqlNow = () => new Date().toISOString().slice(0, 19).replace('T', ' ');

export function bare(setup: BareSetup): Bare {
  const { main, owner, appId, secret } = setup;
  const queue = tableName(setup.queue);
  const bank = tableName(setup.bank);

  function signed(params: URLSearchParams): boolean {
    const names = [...params.keys()].filter((n) => n !== 'sign').sort();
    return md5(names.map((n) => params.get(n)).join('') + secret).toUpperCase() === params.get('sign');
  }

  async function show(p: URLSearchParams): Promise<Row> {
    const key = p.get('message_key') ?? '';
    const perpage = Number(p.get('perpage') ?? 10);
    const [count] = await main.query('SELECT COUNT(*) AS n FROM okayapi_message WHERE app_id = ? AND message_key = ? AND message_pid = 0', [appId, key]);
    const top = await main.query(
      `SELECT ${COLUMNS} FROM okayapi_message WHERE app_id = ? AND message_key = ? AND message_pid = 0 ORDER BY message_post_time, id LIMIT ${perpage} OFFSET 0`,
      [appId, key],
    );
    let level = top;
    for (let depth = 2; depth <= 3 && level.length; depth++) {
      const ids = level.map((r) => r.id);
      const rows = await main.query(`SELECT ${COLUMNS} FROM okayapi_message WHERE app_id = ? AND message_pid IN (${ids.map(() => '?').join(', ')}) ORDER BY message_post_time, id`, [
        appId,
        ...ids,
      ]);
      const byParent = new Map<unknown, Row[]>();
      for (const r of rows) byParent.set(r.message_pid, [...(byParent.get(r.message_pid) ?? []), r]);
      for (const r of level) r.child = byParent.get(r.id) ?? [];
      if (depth === 3) for (const r of rows) delete r.child;
      level = rows;
    }
    return { total: Number(count!.n), items: top };
  }

  /**
   * FreeTree's two levels, in yesgraph's statements (the table's columns named, each level in the
   * parent index's order), answered as the protocol types them: id and parent as numbers, every
   * other column as text. The floor knows its table, so only the one integer column converts.
   */
  async function tree(p: URLSearchParams): Promise<Row> {
    const table = tableName(p.get('model_name')!);
    const level = (ids: readonly unknown[]) =>
      owner.query(`SELECT id, name, quantity, parent_id FROM ${table} WHERE parent_id IN (${ids.map(() => '?').join(', ')}) ORDER BY parent_id ASC, id ASC`, [...ids]);
    const first = await level([Number(p.get('parent_id'))]);
    const ids = first.map((r) => r.id);
    const second = ids.length ? await level(ids) : [];
    const byParent = new Map<unknown, Row[]>();
    for (const r of second) {
      r.quantity = String(r.quantity);
      byParent.set(r.parent_id, [...(byParent.get(r.parent_id) ?? []), r]);
    }
    for (const r of first) {
      r.quantity = String(r.quantity);
      r.children_tree = byParent.get(r.id) ?? [];
    }
    return { tree: first };
  }

  /** FreePopOne as yesgraph runs it once the table's definition is cached: one row locked, updated and answered. */
  async function popOne(): Promise<Row> {
    const lock = main.sqlite ? '' : ' FOR UPDATE SKIP LOCKED';
    const row = await main.transaction(async (q) => {
      const [found] = await q(`SELECT id, code FROM ${queue} WHERE (state = ?) ORDER BY id ASC LIMIT 1 OFFSET 0${lock}`, [0]);
      if (found) await q(`UPDATE ${queue} SET state = ?, update_time = ? WHERE id = ?`, [1, sqlNow(), found.id]);
      return found;
    });
    if (!row) throw new Error('the bare queue is empty');
    return { data: { id: String(row.id), code: row.code } };
  }

  /** Transfer as yesgraph runs it: both rows locked in turn, the source debited if it holds enough, the target credited. */
  async function transfer(p: URLSearchParams): Promise<Row> {
    const amount = p.get('amount')!;
    const [int, balance, lock] = owner.sqlite ? ['INTEGER', 'CAST(balance AS TEXT)', ''] : ['SIGNED', 'balance', ' FOR UPDATE'];
    const read = `SELECT id, ${balance} AS balance FROM ${bank} WHERE code = ? ORDER BY id LIMIT 2 OFFSET 0${lock}`;
    return owner.transaction(async (q) => {
      const [from] = await q(read, [p.get('from_account')]);
      const [to] = await q(read, [p.get('to_account')]);
      if (!from || !to) throw new Error('no such account');
      await q(`UPDATE ${bank} SET balance = balance - CAST(? AS ${int}) WHERE id = CAST(? AS ${int}) AND balance >= CAST(? AS ${int})`, [amount, String(from.id), amount]);
      await q(`UPDATE ${bank} SET balance = COALESCE(balance, 0) + CAST(? AS ${int}) WHERE id = CAST(? AS ${int})`, [amount, String(to.id)]);
      const n = BigInt(amount);
      return { from_account_amout: Number(BigInt(String(from.balance)) - n), to_account_amout: Number(BigInt(String(to.balance)) + n), amount: Number(n) };
    }, true);
  }

  const services: Record<string, (p: URLSearchParams) => Promise<Row>> = {
    'App.Hello.World': async (p) => ({ title: `Hi ${p.get('name') ?? 'YesApi'}，欢迎使用小白开放接口！` }),
    'App.Market_Message.Show': show,
    'App.DB_MsSQL_Data.FreeTree': tree,
    'App.Table.FreePopOne': popOne,
    'App.DB_MsSQL_Data.Transfer': transfer,
  };

  // The protocol's `msg` of an accepted call (docs/PROTOCOL.md §3), as yesgraph answers it.
  const envelope = (ret: number, data: Row, msg: string) => {
    const text = JSON.stringify({ err_code: 0, err_msg: '', ...data });
    const t = Math.floor(Date.now() / 1000);
    return `{"ret":${ret},"data":${text},"msg":${JSON.stringify(msg)},"_t":${t},"_auth":"${md5(text + t + secret)}"}`;
  };

  return {
    async answer(params) {
      const service = params.get('s') ?? '';
      const run = services[service];
      if (!run || !signed(params)) return envelope(400, {}, '');
      return envelope(200, await run(params), `当前请求接口：${service}`);
    },
  };
}
