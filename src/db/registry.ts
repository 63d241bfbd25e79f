/**
 * Direct-connect databases: `db_mark` → Store, per app. Registrations live in the main store
 * (`yg_database`), the URL sealed with the secret key; connections are pooled per registration,
 * opened on first use and closed on shutdown.
 */
import type { SecretBox } from '../crypto.js';
import { openStore, parseDatabaseUrl, redactUrl, DatabaseUrlError } from './open.js';
import { sql } from './sql.js';
import type { Store } from './store.js';
import type { EngineName } from './dialect.js';

export interface RegisteredDatabase {
  readonly id: number;
  readonly appId: number;
  readonly dbMark: string;
  readonly engine: EngineName;
  /** The URL with its password replaced by `***`: safe to show. */
  readonly urlRedacted: string;
  readonly tablePrefix: string;
}

export interface ResolvedDatabase extends RegisteredDatabase {
  readonly store: Store;
}

/** Why a registration was refused; the message is safe to show to the caller. */
export class DatabaseConfigError extends Error {}

const DB_MARK = /^[A-Za-z0-9_]{1,64}$/;
const TABLE_PREFIX = /^[A-Za-z0-9_]{0,32}$/;
const CACHE_MS = 30_000;

interface Row {
  id: number;
  app_id: number;
  db_mark: string;
  engine: string;
  url_redacted: string;
  url_sealed: string;
  table_prefix: string;
}

export interface RegistryOptions {
  /**
   * The operator (`yesgraph db add`) may register `sqlite:` files and any host. API callers may
   * not register files of this server, and only the allowed hosts when a list is configured.
   */
  readonly operator?: boolean;
}

export class DatabaseRegistry {
  private readonly stores = new Map<number, Store>();
  private readonly records = new Map<string, { at: number; row: Promise<Row | null> }>();

  /**
   * @param allowedHosts hosts API callers may register (YESGRAPH_DB_HOSTS), lower case; null
   *   for any host, as the hosted platform allows.
   */
  constructor(
    private readonly main: Store,
    private readonly box: SecretBox,
    private readonly allowedHosts: readonly string[] | null = null,
  ) {}

  /** Registers a database after proving it answers. */
  async add(appId: number, dbMark: string, url: string, tablePrefix = '', options: RegistryOptions = {}): Promise<RegisteredDatabase> {
    if (!DB_MARK.test(dbMark)) throw new DatabaseConfigError('db_mark must be 1–64 letters, digits or _');
    if (!TABLE_PREFIX.test(tablePrefix)) throw new DatabaseConfigError('table_prefix must be at most 32 letters, digits or _');
    let engine: EngineName;
    try {
      engine = parseDatabaseUrl(url).engine;
    } catch (err) {
      if (err instanceof DatabaseUrlError) throw new DatabaseConfigError(err.message);
      throw err;
    }
    if (engine === 'sqlite' && !options.operator) {
      throw new DatabaseConfigError('sqlite databases can only be registered by the operator (yesgraph db add)');
    }
    if (engine !== 'sqlite' && !options.operator && this.allowedHosts) {
      const host = new URL(url).hostname.replace(/^\[|\]$/g, '').toLowerCase();
      if (!this.allowedHosts.includes(host)) throw new DatabaseConfigError(`host ${host} is not one of this server's allowed database hosts`);
    }
    const [taken] = await this.main.query(sql`SELECT id FROM yg_database WHERE app_id = ${appId} AND db_mark = ${dbMark}`);
    if (taken) throw new DatabaseConfigError(`db_mark ${dbMark} is already registered`);
    const probe = openStore(url);
    try {
      await probe.ping();
    } catch (err) {
      throw new DatabaseConfigError(`the database does not answer: ${(err as Error).message.replace(url, redactUrl(url))}`);
    } finally {
      await probe.close().catch(() => undefined);
    }
    try {
      await this.main.execute(sql`INSERT INTO yg_database (app_id, db_mark, engine, url_redacted, url_sealed, table_prefix)
VALUES (${appId}, ${dbMark}, ${engine}, ${redactUrl(url)}, ${this.box.seal(url)}, ${tablePrefix})`);
    } catch (err) {
      // Two registrations of one db_mark at once: the unique key refuses the second.
      if (this.main.dialect.isDuplicateKey(err)) throw new DatabaseConfigError(`db_mark ${dbMark} is already registered`);
      throw err;
    }
    this.records.delete(`${appId}\u0000${dbMark}`);
    const [row] = await this.main.query<Row>(sql`SELECT * FROM yg_database WHERE app_id = ${appId} AND db_mark = ${dbMark}`);
    return toRegistered(row!);
  }

  async list(appId?: number): Promise<RegisteredDatabase[]> {
    const rows =
      appId === undefined
        ? await this.main.query<Row>(sql`SELECT * FROM yg_database ORDER BY app_id, db_mark`)
        : await this.main.query<Row>(sql`SELECT * FROM yg_database WHERE app_id = ${appId} ORDER BY db_mark`);
    return rows.map(toRegistered);
  }

  /** The app's database under `dbMark`, connected lazily; null when the app has no such db_mark. */
  async resolve(appId: number, dbMark: string): Promise<ResolvedDatabase | null> {
    if (!DB_MARK.test(dbMark)) return null;
    const key = `${appId}\u0000${dbMark}`;
    let hit = this.records.get(key);
    if (!hit || Date.now() - hit.at > CACHE_MS) {
      const row = this.main
        .query<Row>(sql`SELECT * FROM yg_database WHERE app_id = ${appId} AND db_mark = ${dbMark}`)
        .then((rows) => rows[0] ?? null);
      hit = { at: Date.now(), row };
      this.records.set(key, hit);
      row.catch(() => this.records.delete(key));
    }
    const row = await hit.row;
    if (!row) return null;
    let store = this.stores.get(Number(row.id));
    if (!store) {
      store = openStore(this.box.open(row.url_sealed));
      this.stores.set(Number(row.id), store);
    }
    return { ...toRegistered(row), store };
  }

  async closeAll(): Promise<void> {
    const stores = [...this.stores.values()];
    this.stores.clear();
    await Promise.allSettled(stores.map((s) => s.close()));
  }
}

function toRegistered(r: Row): RegisteredDatabase {
  return {
    id: Number(r.id),
    appId: Number(r.app_id),
    dbMark: r.db_mark,
    engine: r.engine as EngineName,
    urlRedacted: r.url_redacted,
    tablePrefix: r.table_prefix,
  };
}
