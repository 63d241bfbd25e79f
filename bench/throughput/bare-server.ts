/**
 * The floor yesgraph is measured against: a bare node:http server that answers the same legacy
 * URLs with the least work the protocol allows — the dynamic signature checked, the same SQL
 * statements (mysql2 prepared statements, or better-sqlite3), JSON.stringify, `_auth` — and
 * nothing else: no framework, no validation beyond the signature, no logging.
 *
 * Run by bench/throughput/run.ts as a child process: `node --import tsx bare-server.ts` with
 * BARE_PORT, BARE_MAIN (main store URL), BARE_OWNER (tree database URL), BARE_APP_ID, BARE_SECRET.
 */
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';

type Row = Record<string, unknown>;
type Query = (text: string, params: unknown[]) => Promise<Row[]>;

function connect(url: string): Query {
  if (url.startsWith('sqlite:')) {
    const db = new Database(url.slice('sqlite:'.length));
    return async (text, params) => db.prepare(text).all(...params) as Row[];
  }
  const pool = mysql.createPool({ uri: url, connectionLimit: 10, dateStrings: true, supportBigNumbers: true, bigNumberStrings: true, charset: 'utf8mb4' });
  return async (text, params) => (await pool.execute(text, params as never[]))[0] as Row[];
}

const env = process.env;
const main = connect(env.BARE_MAIN!);
const owner = connect(env.BARE_OWNER!);
const appId = Number(env.BARE_APP_ID);
const secret = env.BARE_SECRET!;
const md5 = (s: string) => createHash('md5').update(s, 'utf8').digest('hex');

function signed(params: URLSearchParams): boolean {
  const names = [...params.keys()].filter((n) => n !== 'sign').sort();
  return md5(names.map((n) => params.get(n)).join('') + secret).toUpperCase() === params.get('sign');
}

const COLUMNS = 'id, message_nickname, message_content, message_post_time, message_pid';

async function show(p: URLSearchParams): Promise<Row> {
  const key = p.get('message_key') ?? '';
  const perpage = Number(p.get('perpage') ?? 10);
  const [count] = await main('SELECT COUNT(*) AS n FROM okayapi_message WHERE app_id = ? AND message_key = ? AND message_pid = 0', [appId, key]);
  const top = await main(
    `SELECT ${COLUMNS} FROM okayapi_message WHERE app_id = ? AND message_key = ? AND message_pid = 0 ORDER BY message_post_time, id LIMIT ${perpage} OFFSET 0`,
    [appId, key],
  );
  let level = top;
  for (let depth = 2; depth <= 3 && level.length; depth++) {
    const ids = level.map((r) => r.id);
    const rows = await main(`SELECT ${COLUMNS} FROM okayapi_message WHERE app_id = ? AND message_pid IN (${ids.map(() => '?').join(', ')}) ORDER BY message_post_time, id`, [
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

async function tree(p: URLSearchParams): Promise<Row> {
  const table = p.get('model_name')!.replace(/[^A-Za-z0-9_]/g, '');
  const first = await owner(`SELECT * FROM ${table} WHERE parent_id = ? ORDER BY id`, [Number(p.get('parent_id'))]);
  const ids = first.map((r) => r.id);
  const second = ids.length ? await owner(`SELECT * FROM ${table} WHERE parent_id IN (${ids.map(() => '?').join(', ')}) ORDER BY id`, ids) : [];
  const byParent = new Map<unknown, Row[]>();
  for (const r of second) byParent.set(r.parent_id, [...(byParent.get(r.parent_id) ?? []), r]);
  for (const r of first) r.children_tree = byParent.get(r.id) ?? [];
  return { tree: first };
}

const SERVICES: Record<string, (p: URLSearchParams) => Promise<Row>> = {
  'App.Hello.World': async (p) => ({ title: `Hi ${p.get('name') ?? 'YesApi'}，欢迎使用小白开放接口！` }),
  'App.Market_Message.Show': show,
  'App.DB_MsSQL_Data.FreeTree': tree,
};

createServer((req, res) => {
  const params = new URLSearchParams((req.url ?? '').split('?')[1] ?? '');
  const run = SERVICES[params.get('s') ?? ''];
  const answer = (ret: number, data: Row) => {
    const text = JSON.stringify({ err_code: 0, err_msg: '', ...data });
    const t = Math.floor(Date.now() / 1000);
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    res.end(`{"ret":${ret},"data":${text},"msg":"","_t":${t},"_auth":"${md5(text + t + secret)}"}`);
  };
  if (!run || !signed(params)) return answer(400, {});
  run(params).then(
    (data) => answer(200, data),
    (err: Error) => {
      res.writeHead(500);
      res.end(err.message);
    },
  );
}).listen(Number(env.BARE_PORT), '127.0.0.1', () => process.send?.('ready'));

// Exit on the bench's SIGTERM through process.exit, so a --cpu-prof profile is written.
process.once('SIGTERM', () => process.exit(0));
