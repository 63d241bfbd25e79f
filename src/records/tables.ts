/**
 * Hosted tables (the platform's 表单): their definitions in `yg_table` and their rows in one
 * real table of the main store per app and name, `yt_<appId>_<name>`, with real columns and
 * indexes. Every hosted table has the system columns `id, uuid, add_time, update_time,
 * ext_data`. The comment table `okayapi_message` is a hosted table of every app too: one
 * physical table shared by all apps, so every statement on it is scoped by its `app_id`.
 * A table's check code is stored as its sha256; it is compared, never shown.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Dialect } from '../db/dialect.js';
import { ident, isIdentifier, join, raw, sql, type Sql } from '../db/sql.js';
import type { Store } from '../db/store.js';

/** The columns every hosted table has, in this order, before the declared ones. */
export const SYSTEM_COLUMNS = ['id', 'uuid', 'add_time', 'update_time', 'ext_data'] as const;

/** The comment table, a hosted table of every app (scoped by `app_id`). */
export const MESSAGE_TABLE = 'okayapi_message';

/** The column of a shared physical table that says which app a row belongs to. */
export const APP_COLUMN = 'app_id';

/** The longest table name: `yt_<appId>_` in front and an index suffix behind must fit in 64. */
export const TABLE_NAME_MAX = 40;

/** A declared column: its name and its type as written, normalised (`varchar(64)`, `decimal(10,2)`). */
export interface DeclaredColumn {
  readonly name: string;
  readonly type: string;
}

export interface HostedTable {
  readonly appId: number;
  /** The name callers use (`model_name`). */
  readonly name: string;
  /** The real table in the main store. */
  readonly physical: string;
  /** The declared columns (empty for okayapi_message, whose columns are fixed). */
  readonly columns: readonly DeclaredColumn[];
  readonly indexes: readonly string[];
  /** True when the physical table holds every app's rows and `app_id` tells them apart. */
  readonly shared: boolean;
  readonly hasCheckCode: boolean;
  /** True when `given` is the table's check code, or its digest (always true for a table without one). */
  checkCodeMatches(given: CheckCode): boolean;
}

/** A definition that cannot be made, in words for the operator. */
export class TableDefinitionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TableDefinitionError';
  }
}

const TYPE = /^(int|bigint|text|datetime|date|varchar\((\d{1,5})\)|decimal\((\d{1,2}),(\d{1,2})\))$/;

/** The type names the CLI accepts, for its help. */
export const COLUMN_TYPES = 'int, bigint, decimal(p,s), varchar(n), text, datetime, date';

/** `title:varchar(64)` → the column, or a TableDefinitionError. */
export function parseColumnSpec(spec: string): DeclaredColumn {
  const at = spec.indexOf(':');
  const name = at < 0 ? spec : spec.slice(0, at);
  const type = (at < 0 ? '' : spec.slice(at + 1)).toLowerCase().replace(/\s+/g, '');
  if (!isIdentifier(name)) throw new TableDefinitionError(`column name ${JSON.stringify(name)} must be letters, digits and _ (not starting with a digit)`);
  if ((SYSTEM_COLUMNS as readonly string[]).includes(name) || name === APP_COLUMN) throw new TableDefinitionError(`column ${name} is a system column`);
  const m = TYPE.exec(type);
  if (!m) throw new TableDefinitionError(`column ${name}: type ${JSON.stringify(type)} is none of ${COLUMN_TYPES}`);
  if (m[2] !== undefined && (Number(m[2]) < 1 || Number(m[2]) > 16383)) throw new TableDefinitionError(`column ${name}: varchar(n) needs 1 ≤ n ≤ 16383`);
  if (m[3] !== undefined && (Number(m[3]) < 1 || Number(m[3]) > 38 || Number(m[4]) > Number(m[3]))) {
    throw new TableDefinitionError(`column ${name}: decimal(p,s) needs 1 ≤ p ≤ 38 and s ≤ p`);
  }
  return { name, type };
}

/** The real table of an app's hosted table. */
export function physicalName(appId: number, name: string): string {
  return `yt_${appId}_${name}`;
}

export function checkTableName(name: string): void {
  if (!isIdentifier(name) || name.length > TABLE_NAME_MAX) {
    throw new TableDefinitionError(`table name ${JSON.stringify(name)} must be 1–${TABLE_NAME_MAX} letters, digits and _ (not starting with a digit)`);
  }
  if (name.toLowerCase() === MESSAGE_TABLE) throw new TableDefinitionError(`${MESSAGE_TABLE} exists in every app already`);
}

function hash(code: string): Buffer {
  return createHash('sha256').update(code, 'utf8').digest();
}

/**
 * A check code as a caller sent it, or its digest (`checkCodeDigest`): what a queued task keeps,
 * so that the code itself is never stored, neither in yg_table nor in a task's parameters.
 */
export type CheckCode = string | { readonly digest: string } | undefined;

/** The stored form of a check code: hex SHA-256, as yg_table keeps it. */
export function checkCodeDigest(code: string): string {
  return hash(code).toString('hex');
}

function matcher(stored: string | null): (given: CheckCode) => boolean {
  if (stored === null) return () => true;
  const expected = Buffer.from(stored, 'hex');
  return (given) => {
    if (given === undefined) return false;
    const digest = typeof given === 'string' ? hash(given) : Buffer.from(given.digest, 'hex');
    return digest.length === expected.length && timingSafeEqual(digest, expected);
  };
}

/** CREATE TABLE and CREATE INDEX statements of a hosted table, spelled by the dialect. */
export function tableDdl(physical: string, columns: readonly DeclaredColumn[], indexes: readonly string[], dialect: Dialect): Sql[] {
  const t = ident(physical);
  const own = columns.map((c) => sql`${ident(c.name)} ${raw(dialect.ddl.type(c.type))} NULL`);
  const system = raw(`${dialect.ddl.autoId}, uuid VARCHAR(32) NOT NULL DEFAULT '', add_time ${dialect.ddl.type('datetime')} NULL, update_time ${dialect.ddl.type('datetime')} NULL, ext_data ${dialect.ddl.type('text')} NULL`);
  // uuid serves model_uuid; update_time the order types 4 and 5.
  const indexed = ['uuid', 'update_time', ...indexes];
  return [
    sql`CREATE TABLE ${t} (${join([system, ...own])})${raw(dialect.ddl.tableOptions)}`,
    ...indexed.map((col, i) => sql`CREATE INDEX ${ident(`${physical}_i${i}`)} ON ${t} (${ident(col)})`),
  ];
}

interface TableRow {
  name: string;
  columns: string;
  check_code: string | null;
}

/**
 * How long a definition read by `find` is reused: the table calls (pop-one, the App.Table
 * services, exports) read it on every call otherwise. A change made in this process (create,
 * set-check-code, dropping an app's tables) applies at once; one made by another process (the
 * CLI, another instance) within this time, as the app settings do (src/guards/app.ts).
 */
export const TABLE_DEFINITION_TTL_MS = 5_000;
/** Most definitions kept per store; past it the cache starts over. */
const TABLE_DEFINITIONS_KEPT = 10_000;

/** Definitions found, per main store (a runtime's): the table and when it was read. */
const definitions = new WeakMap<Store, Map<string, { readonly at: number; readonly table: HostedTable }>>();

const definitionKey = (appId: number, name: string) => `${appId}\n${name}`;

export class TableRecords {
  constructor(private readonly main: Store) {}

  private get cached(): Map<string, { readonly at: number; readonly table: HostedTable }> {
    let cache = definitions.get(this.main);
    if (!cache) definitions.set(this.main, (cache = new Map()));
    return cache;
  }

  private toTable(appId: number, row: TableRow): HostedTable {
    const def = JSON.parse(row.columns) as { columns: DeclaredColumn[]; indexes: string[] };
    return {
      appId,
      name: row.name,
      physical: physicalName(appId, row.name),
      columns: def.columns,
      indexes: def.indexes,
      shared: false,
      hasCheckCode: row.check_code !== null,
      checkCodeMatches: matcher(row.check_code),
    };
  }

  private messageTable(appId: number): HostedTable {
    return { appId, name: MESSAGE_TABLE, physical: MESSAGE_TABLE, columns: [], indexes: [], shared: true, hasCheckCode: false, checkCodeMatches: () => true };
  }

  /** Creates the real table and records it; a TableDefinitionError for a bad or taken name. */
  async create(appId: number, name: string, columns: readonly DeclaredColumn[], indexes: readonly string[] = []): Promise<HostedTable> {
    checkTableName(name);
    const names = new Set<string>();
    for (const c of columns) {
      if (names.has(c.name)) throw new TableDefinitionError(`column ${c.name} is declared twice`);
      names.add(c.name);
    }
    for (const i of indexes) {
      if (!names.has(i) && !(SYSTEM_COLUMNS as readonly string[]).includes(i)) throw new TableDefinitionError(`index on ${i}: no such column`);
    }
    if (await this.find(appId, name)) throw new TableDefinitionError(`table ${name} exists already`);
    const physical = physicalName(appId, name);
    for (const statement of tableDdl(physical, columns, indexes, this.main.dialect)) await this.main.execute(statement);
    this.main.invalidateColumns(physical);
    const definition = JSON.stringify({ columns, indexes });
    await this.main.execute(sql`INSERT INTO yg_table (app_id, name, columns) VALUES (${appId}, ${name}, ${definition})`);
    this.cached.delete(definitionKey(appId, name));
    return (await this.find(appId, name))!;
  }

  /** Drops the app's real tables (before the app is removed, whose rows cascade away). */
  async dropAll(appId: number): Promise<number> {
    const rows = await this.main.query<{ name: string }>(sql`SELECT name FROM yg_table WHERE app_id = ${appId}`);
    for (const r of rows) {
      const physical = physicalName(appId, r.name);
      await this.main.execute(sql`DROP TABLE IF EXISTS ${ident(physical)}`);
      await this.main.execute(sql`DELETE FROM yg_table WHERE app_id = ${appId} AND name = ${r.name}`);
      this.cached.delete(definitionKey(appId, r.name));
      this.main.invalidateColumns(physical);
    }
    return rows.length;
  }

  /** The app's tables, okayapi_message first. */
  async list(appId: number): Promise<HostedTable[]> {
    const rows = await this.main.query<TableRow>(sql`SELECT name, columns, check_code FROM yg_table WHERE app_id = ${appId} ORDER BY name`);
    return [this.messageTable(appId), ...rows.map((r) => this.toTable(appId, r))];
  }

  /** The app's table of that name (exact case), or null; a table found is reused for TABLE_DEFINITION_TTL_MS. */
  async find(appId: number, name: string): Promise<HostedTable | null> {
    if (name === MESSAGE_TABLE) return this.messageTable(appId);
    const key = definitionKey(appId, name);
    const hit = this.cached.get(key);
    if (hit && Date.now() - hit.at < TABLE_DEFINITION_TTL_MS) return hit.table;
    const [row] = await this.main.query<TableRow>(sql`SELECT name, columns, check_code FROM yg_table WHERE app_id = ${appId} AND name = ${name}`);
    if (!row || row.name !== name) {
      this.cached.delete(key);
      return null;
    }
    const table = this.toTable(appId, row);
    if (this.cached.size >= TABLE_DEFINITIONS_KEPT) this.cached.clear();
    this.cached.set(key, { at: Date.now(), table });
    return table;
  }

  /** Sets (or with null removes) the table's check code; false when there is no such table. */
  async setCheckCode(appId: number, name: string, code: string | null): Promise<boolean> {
    const stored = code === null ? null : checkCodeDigest(code);
    const { affectedRows } = await this.main.execute(sql`UPDATE yg_table SET check_code = ${stored} WHERE app_id = ${appId} AND name = ${name}`);
    this.cached.delete(definitionKey(appId, name));
    return affectedRows > 0;
  }
}
