/**
 * Message threads in `okayapi_message` (App.Market_Message.Post / .Show; GraphQL `messages`,
 * `postMessage`). A message belongs to the app that wrote it: no statement here reads or
 * replies across apps. Threads nest at most three levels: a top-level message (`message_pid`
 * 0), its replies, and their replies.
 *
 * Round trips do not grow with the page: a page is one statement, its `total` one, and each
 * level below it one `message_pid IN (…)` for every parent of the level. The legacy face reads a
 * level at once (`childrenOf`); GraphQL resolves each comment's replies through the request's
 * DataLoader `messages.children`, keyed by parent id, which sends its batch through the same
 * `childrenOf`.
 *
 * A read selects the columns every `Message` holds (MESSAGE_COLUMNS) and only the extra columns
 * its caller names: a page of 100 comments otherwise parses 200 DATETIMEs nobody answers. The
 * legacy Show answers neither `uuid` nor `message_key`, so they too are read only when named
 * (GraphQL names them when `uuid` or `key` is selected).
 *
 * Times are written as 'YYYY-MM-DD HH:MM:SS' in UTC.
 */
import DataLoader from 'dataloader';
import { z } from 'zod';
import { empty, ident, inList, isIdentifier, join, param, raw, sql, type Sql } from '../db/sql.js';
import { tableInfo, type Row, type TableInfo } from '../db/store.js';
import { businessError } from '../errors.js';
import { sqlNow } from '../db/datetime.js';
import { checkColumns, checkData, type Scalar } from '../where/index.js';
import type { OperationContext } from './context.js';
import { integerValue, textValue } from './direct-table.js';
import { int, text } from './input.js';

const TABLE = 'okayapi_message';

/** Levels of a thread: a top-level message, its replies, and their replies. */
export const THREAD_DEPTH = 3;

const messageKey = text({ max: 64 });

/** A page of top-level messages (App.Market_Message.Show, GraphQL `messages`). */
export const pageInput = z.object({
  /** Exact match; every key when absent. */
  key: messageKey.optional(),
  order: z.enum(['oldest', 'newest']).default('oldest'),
  /** At most 10^9, which keeps `(page - 1) * perpage` an exact integer. */
  page: int({ min: 1, max: 1_000_000_000 }).default(1),
  perpage: int({ min: 1, max: 100 }).default(10),
});
export type PageQuery = z.output<typeof pageInput>;
export type MessageOrder = PageQuery['order'];

/** A new message (App.Market_Message.Post, GraphQL `postMessage`); `moreData` comes from each face's own form. */
export const postInput = z.object({
  /** Characters; the MySQL column is a MEDIUMTEXT, so this fits in bytes too. */
  content: text({ min: 1, max: 65_535 }),
  nickname: text({ max: 32 }).default(''),
  key: messageKey.default(''),
  /** 0 for a top-level message. */
  parentId: int({ min: 0 }).default(0),
});

/** The columns every Message is read with; `values` holds these plus the extras asked for. */
const MESSAGE_COLUMNS: ReadonlySet<string> = new Set(['id', 'message_nickname', 'message_content', 'message_pid', 'message_post_time']);

/** The extra columns behind `Message.key` and `Message.uuid`. */
export const KEY_COLUMN = 'message_key';
export const UUID_COLUMN = 'uuid';

/** What a read selects beside MESSAGE_COLUMNS: the named extra columns, or every column. */
export type MessageColumns = readonly string[] | 'all';

/** A comment read from a row (or just written); the class below is its only maker. */
export type Message = RowMessage;

/** The messages of the calling app, for one request. */
export interface Messages {
  /** The columns a caller may name (more_select, extra columns): every column but app_id. */
  readonly columns: TableInfo;
  /** Top-level messages of one page. */
  page(q: PageQuery): Promise<Message[]>;
  /** How many top-level messages the key has (every key when undefined). */
  total(key: string | undefined): Promise<number>;
  /** The replies to a message, batched with every other parent asked for in the same tick. */
  children(parent: Message, order: MessageOrder): Promise<Message[]>;
  /** The replies to each of `parents`, oldest first, keyed by every id of `parents`: the statements `children` sends for them. */
  childrenOf(parents: readonly number[]): Promise<Map<number, Message[]>>;
  find(id: number): Promise<Message | undefined>;
}

function valuesOf(row: Row, columns: TableInfo['columns']): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const c of columns) values[c.name] = c.kind === 'integer' ? integerValue(row[c.name]) : textValue(row[c.name]);
  return values;
}

/** A Message read from a row; `values` is made on first use (most reads answer only the fields). */
class RowMessage {
  readonly id: number;
  readonly parentId: number;
  readonly nickname: string;
  readonly content: string;
  readonly postTime: string;
  private made: Record<string, unknown> | undefined;

  constructor(
    private readonly row: Row,
    private readonly columns: TableInfo['columns'],
  ) {
    this.id = Number(row.id);
    this.parentId = Number(row.message_pid);
    this.nickname = String(row.message_nickname);
    this.content = String(row.message_content);
    this.postTime = textValue(row.message_post_time) ?? '';
  }

  /** The thread's key; read only when KEY_COLUMN was named. */
  get key(): string {
    return this.column(KEY_COLUMN);
  }

  /** The member who wrote it, '' for a guest; read only when UUID_COLUMN was named. */
  get uuid(): string {
    return this.column(UUID_COLUMN);
  }

  private column(name: string): string {
    // A caller that did not name the column would otherwise answer 'undefined' as data.
    if (!Object.hasOwn(this.row, name)) throw new Error(`${TABLE}.${name} was not read: name it in openMessages`);
    return String(this.row[name]);
  }

  /**
   * The columns read (MESSAGE_COLUMNS and the extras of `openMessages`; never app_id), as the
   * legacy face answers them: integer columns as numbers, others as text. A message just posted
   * holds only the columns yesgraph wrote; `find` reads the rest.
   */
  get values(): Readonly<Record<string, unknown>> {
    return (this.made ??= valuesOf(this.row, this.columns));
  }
}

function toMessage(row: Row, columns: TableInfo['columns']): Message {
  return new RowMessage(row, columns);
}

/** Replies read oldest first, in `order`. */
function inOrder(oldestFirst: Message[], order: MessageOrder): Message[] {
  return order === 'newest' ? [...oldestFirst].reverse() : oldestFirst;
}

function orderBy(order: MessageOrder): Sql {
  return order === 'newest' ? raw(' ORDER BY message_post_time DESC, id DESC') : raw(' ORDER BY message_post_time ASC, id ASC');
}

/** The messages of the calling app, each read with MESSAGE_COLUMNS and `extra` (names not in the table are ignored). */
export async function openMessages(ctx: OperationContext, extra: MessageColumns = 'all'): Promise<Messages> {
  const table = await ctx.main.columns(TABLE);
  if (!table) throw new Error(`table ${TABLE} is missing: the migrations have not run`);
  const columns = tableInfo(TABLE, table.columns.filter((c) => c.name !== 'app_id' && isIdentifier(c.name)));
  const read = columns.columns.filter((c) => extra === 'all' || MESSAGE_COLUMNS.has(c.name) || extra.includes(c.name));
  const select = sql`SELECT ${join(read.map((c) => ident(c.name)))} FROM ${ident(TABLE)} WHERE app_id = ${ctx.app.id}`;
  const { dialect } = ctx.main;
  // Where `=` ignores trailing spaces (MySQL, even under a binary collation; SQL Server), a LIKE
  // beside it matches the key exactly, and `=` still uses the index. SQLite's `=` is exact.
  const exactly = (key: string) => (dialect.equalsPadsSpaces ? sql` AND message_key LIKE ${dialect.escapeLike(key)}${dialect.likeEscapeClause}` : empty);
  const keyIs = (key: string) => sql` AND message_key = ${key}${exactly(key)}`;
  const topLevel = (key: string | undefined) => sql` AND message_pid = 0${key === undefined ? empty : keyIs(key)}`;
  const rows = async (q: Sql) => (await ctx.main.query(q)).map((row) => toMessage(row, read));

  // One parameter is the app id.
  const maxParents = dialect.maxParams - 1;
  /** The replies of every parent, oldest first: one statement per `maxParents` parents. */
  const childrenOf = async (parentIds: readonly number[]): Promise<Map<number, Message[]>> => {
    const byParent = new Map<number, Message[]>();
    for (const id of parentIds) byParent.set(id, []);
    for (let i = 0; i < parentIds.length; i += maxParents) {
      const children = await rows(sql`${select} AND message_pid IN (${inList(parentIds.slice(i, i + maxParents), maxParents)})${orderBy('oldest')}`);
      for (const m of children) byParent.get(m.parentId)?.push(m);
    }
    return byParent;
  };
  // One loader per column set, so reads of two selections in one request do not share rows.
  const loader = ctx.loader(
    `messages.children:${read.map((c) => c.name).join(',')}`,
    () =>
      new DataLoader<number, Message[]>(
        async (parentIds) => {
          const byParent = await childrenOf(parentIds);
          return parentIds.map((id) => byParent.get(id)!);
        },
        { maxBatchSize: maxParents },
      ),
  );

  return {
    columns,
    page: (q) => rows(sql`${select}${topLevel(q.key)}${orderBy(q.order)}${dialect.limitOffset(q.perpage, (q.page - 1) * q.perpage)}`),
    async total(key) {
      const [row] = await ctx.main.query<{ n: number | string }>(sql`SELECT COUNT(*) AS n FROM ${ident(TABLE)} WHERE app_id = ${ctx.app.id}${topLevel(key)}`);
      return Number(row?.n ?? 0);
    },
    async children(parent, order) {
      return inOrder(await loader.load(parent.id), order);
    },
    childrenOf,
    async find(id) {
      const [m] = await rows(sql`${select} AND id = ${id}`);
      return m;
    },
  };
}

/** A message with its replies; `children` is absent on the deepest level. */
export interface ThreadNode {
  readonly message: Message;
  readonly children?: readonly ThreadNode[];
}

export interface ShowInput extends PageQuery {
  /** Extra columns the caller wants answered, validated against the table. */
  readonly moreSelect: readonly string[] | null;
}

/** App.Market_Message.Show: one page of top-level messages, each with its whole thread. */
export async function showMessages(ctx: OperationContext, input: ShowInput): Promise<{ total: number; items: ThreadNode[] }> {
  const messages = await openMessages(ctx, input.moreSelect ?? []);
  if (input.moreSelect) checkColumns([...input.moreSelect], messages.columns, 'more_select');
  const [total, top] = await Promise.all([messages.total(input.key), messages.page(input)]);
  // Level by level: the replies to every message of a level are read at once (one statement),
  // straight from `childrenOf` rather than one loader promise per message.
  interface Node {
    readonly message: Message;
    children?: Node[];
  }
  const items = top.map((message): Node => ({ message }));
  let level = items;
  for (let depth = 2; depth <= THREAD_DEPTH && level.length; depth++) {
    const replies = await messages.childrenOf(level.map((node) => node.message.id));
    const next: Node[] = [];
    for (const node of level) {
      const children = inOrder(replies.get(node.message.id)!, input.order).map((message): Node => ({ message }));
      node.children = children;
      for (const child of children) next.push(child);
    }
    level = next;
  }
  return { total, items };
}

export interface PostInput extends z.output<typeof postInput> {
  /** Values of extra columns; system columns in it are ignored. */
  readonly moreData: Readonly<Record<string, Scalar>> | null;
}

/** Columns a caller never writes through more_data: the platform's system columns and ours. */
function isSystemColumn(name: string): boolean {
  return ['id', 'uuid', 'add_time', 'update_time', 'ext_data', 'app_id'].includes(name) || name.startsWith('message_');
}

/** The level the reply will have (2 or 3), or err_code 1. */
async function replyLevel(ctx: OperationContext, parentId: number, key: string): Promise<number> {
  const [parent] = await ctx.main.query<{ message_key: string; message_pid: number | string; grand_pid: number | string | null }>(
    sql`SELECT p.message_key, p.message_pid, g.message_pid AS grand_pid FROM ${ident(TABLE)} p
LEFT JOIN ${ident(TABLE)} g ON g.app_id = p.app_id AND g.id = p.message_pid
WHERE p.app_id = ${ctx.app.id} AND p.id = ${parentId}`,
  );
  if (!parent) throw businessError('PARENT_MISSING', { parentId });
  if (parent.message_key !== key) throw businessError('PARENT_OTHER_KEY', { parentId, key });
  const parentLevel = Number(parent.message_pid) === 0 ? 1 : Number(parent.grand_pid ?? 0) === 0 ? 2 : 3;
  if (parentLevel >= THREAD_DEPTH) throw businessError('PARENT_TOO_DEEP', { depth: THREAD_DEPTH, level: parentLevel, parentId });
  return parentLevel + 1;
}

/** App.Market_Message.Post: answers the new message (without reading it back) and its level (1–3). */
export async function postMessage(ctx: OperationContext, input: PostInput): Promise<{ message: Message; level: number }> {
  const { columns } = await openMessages(ctx);
  const extra = Object.fromEntries(Object.entries(input.moreData ?? {}).filter(([name]) => !isSystemColumn(name)));
  checkData(extra, columns, 'more_data');
  const level = input.parentId === 0 ? 1 : await replyLevel(ctx, input.parentId, input.key);
  const now = sqlNow();
  const own: Row = {
    uuid: ctx.member?.uuid ?? '',
    add_time: now,
    update_time: now,
    message_key: input.key,
    message_nickname: input.nickname,
    message_content: input.content,
    message_pid: input.parentId,
    message_post_time: now,
  };
  const row: Row = { ...extra, app_id: ctx.app.id, ...own };
  const names = Object.keys(row);
  const { insertId } = await ctx.main.execute(
    sql`INSERT INTO ${ident(TABLE)} (${join(names.map((n) => ident(n)))}) VALUES (${join(names.map((n) => param(row[n])))})`,
  );
  if (insertId === null) throw new Error(`INSERT INTO ${TABLE} answered no id`);
  // Extra columns are left out: what the engine stored of them may differ from what was sent.
  const written: Row = { id: insertId, ...own };
  return { message: toMessage(written, columns.columns.filter((c) => Object.hasOwn(written, c.name))), level };
}
