/**
 * Direct-connect databases: `db_mark` → Store, per app. Registrations live in the main store
 * (`yg_database`), the URL sealed with the secret key; connections are pooled per registration,
 * opened on first use and closed on shutdown.
 *
 * Safety by construction: the main store itself is never accepted (src/db/identity.ts), and a
 * registration made through the API must reach an address the target policy allows, checked
 * when it is made and again whenever its pool opens (src/db/target-policy.ts).
 */
import { existsSync } from 'node:fs';
import type { SecretBox } from '../crypto.js';
import { isSameDatabase } from './identity.js';
import { openStore, parseDatabaseUrl, redactUrl, DatabaseUrlError } from './open.js';
import type { RetryListener } from './retry.js';
import { sql } from './sql.js';
import type { Store } from './store.js';
import type { EngineName } from './dialect.js';
import { checkTarget, DEFAULT_TARGET_POLICY, TargetRefusedError, type Target, type TargetPolicy } from './target-policy.js';

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

/**
 * The database could not be reached, or may not be registered (not allowed by the policy, or
 * the main store itself). The message is for the operator; an API caller gets one generic
 * answer, so registrations can probe neither the network nor passwords.
 */
export class DatabaseRefusedError extends Error {}

/** An app tried more registrations in a minute than the registry allows. */
export class RegistrationRateError extends Error {}

/**
 * Registration attempts an app may make per minute through the API (per instance). Each one
 * makes this server connect somewhere on the app's behalf: the limit keeps the service from
 * serving as a scanner.
 */
export const REGISTRATIONS_PER_MINUTE = 6;

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
  origin: string;
}

export interface RegistryOptions {
  /**
   * The operator (`yesgraph db add`) may register `sqlite:` files (which must exist) and any
   * host. API callers may not register files of this server, and only hosts the policy allows.
   */
  readonly operator?: boolean;
}

/** The host, port and database a server URL reaches, for the target policy. */
function targetOf(url: string): Target {
  const u = new URL(url);
  const defaultPort = u.protocol === 'mssql:' || u.protocol === 'sqlserver:' ? 1433 : 3306;
  return { host: u.hostname, port: u.port ? Number(u.port) : defaultPort, database: decodeURIComponent(u.pathname.slice(1)) };
}

export class DatabaseRegistry {
  private readonly stores = new Map<number, Store>();
  private readonly opening = new Map<number, Promise<Store>>();
  private readonly records = new Map<string, { at: number; row: Promise<Row | null> }>();

  /**
   * @param policy which servers API callers may register (YESGRAPH_DB_ALLOW, YESGRAPH_DB_PUBLIC)
   */
  constructor(
    private readonly main: Store,
    private readonly box: SecretBox,
    private readonly policy: TargetPolicy = DEFAULT_TARGET_POLICY,
    private readonly perMinute = REGISTRATIONS_PER_MINUTE,
  ) {}

  private readonly attempts = new Map<number, number[]>();
  private readonly retryListeners = new Set<RetryListener>();

  /** Observes the conflicts retried on every registered database's store, open now or later. */
  onRetry(listener: RetryListener): void {
    this.retryListeners.add(listener);
    for (const store of this.stores.values()) store.onRetry(listener);
  }

  /** Counts an API registration attempt of the app; throws once the minute's allowance is spent. */
  private countAttempt(appId: number, now = Date.now()): void {
    const recent = (this.attempts.get(appId) ?? []).filter((t) => now - t < 60_000);
    if (recent.length >= this.perMinute) throw new RegistrationRateError(`more than ${this.perMinute} registrations a minute`);
    if (this.attempts.size >= 10_000) this.attempts.clear();
    this.attempts.set(appId, [...recent, now]);
  }

  /** Registers a database after proving it answers. */
  async add(appId: number, dbMark: string, url: string, tablePrefix = '', options: RegistryOptions = {}): Promise<RegisteredDatabase> {
    if (!options.operator) this.countAttempt(appId);
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
    if (engine === 'sqlite' && !existsSync(parseDatabaseUrl(url).path!)) {
      throw new DatabaseConfigError(`no SQLite database at ${parseDatabaseUrl(url).path}: create it first`);
    }
    const [taken] = await this.main.query(sql`SELECT id FROM yg_database WHERE app_id = ${appId} AND db_mark = ${dbMark}`);
    if (taken) throw new DatabaseConfigError(`db_mark ${dbMark} is already registered`);
    await this.checkAllowed(url, engine, !options.operator);
    const probe = openStore(url);
    try {
      await probe.ping();
      if (await isSameDatabase(this.main, probe)) throw new DatabaseRefusedError(`${redactUrl(url)} is yesgraph's own main store`);
    } catch (err) {
      if (err instanceof DatabaseRefusedError) throw err;
      throw new DatabaseRefusedError(`the database does not answer: ${(err as Error).message.replace(url, redactUrl(url))}`, { cause: err });
    } finally {
      await probe.close().catch(() => undefined);
    }
    try {
      await this.main.execute(sql`INSERT INTO yg_database (app_id, db_mark, engine, url_redacted, url_sealed, table_prefix, origin)
VALUES (${appId}, ${dbMark}, ${engine}, ${redactUrl(url)}, ${this.box.seal(url)}, ${tablePrefix}, ${options.operator ? 'operator' : 'api'})`);
    } catch (err) {
      // Two registrations of one db_mark at once: the unique key refuses the second.
      if (this.main.dialect.isDuplicateKey(err)) throw new DatabaseConfigError(`db_mark ${dbMark} is already registered`);
      throw err;
    }
    this.records.delete(`${appId}\u0000${dbMark}`);
    const [row] = await this.main.query<Row>(sql`SELECT * FROM yg_database WHERE app_id = ${appId} AND db_mark = ${dbMark}`);
    return toRegistered(row!);
  }

  /** API registrations must reach a server the policy allows (files are the operator's only). */
  private async checkAllowed(url: string, engine: EngineName, byApi: boolean): Promise<void> {
    if (!byApi || engine === 'sqlite') return;
    try {
      await checkTarget(this.policy, targetOf(url));
    } catch (err) {
      if (err instanceof TargetRefusedError) throw new DatabaseRefusedError(err.message);
      throw err;
    }
  }

  /** Removes the app's registration under `dbMark` and closes its pool; false when there was none. */
  async remove(appId: number, dbMark: string): Promise<boolean> {
    const [row] = await this.main.query<{ id: number }>(sql`SELECT id FROM yg_database WHERE app_id = ${appId} AND db_mark = ${dbMark}`);
    if (!row) return false;
    await this.main.execute(sql`DELETE FROM yg_database WHERE id = ${row.id}`);
    this.records.delete(`${appId}\u0000${dbMark}`);
    const store = this.stores.get(Number(row.id));
    this.stores.delete(Number(row.id));
    this.opening.delete(Number(row.id));
    await store?.close().catch(() => undefined);
    return true;
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
      // Only found registrations are cached: one added a moment ago (another instance, the
      // CLI) is seen on the next call.
      row.then((r) => r ?? this.records.delete(key)).catch(() => this.records.delete(key));
    }
    const row = await hit.row;
    if (!row) return null;
    return { ...toRegistered(row), store: await this.storeOf(row) };
  }

  /** The pool of a registration, opened once; an API registration's target is checked first. */
  private storeOf(row: Row): Promise<Store> {
    const id = Number(row.id);
    let store = this.opening.get(id);
    if (!store) {
      store = (async () => {
        const url = this.box.open(row.url_sealed);
        await this.checkAllowed(url, row.engine as EngineName, row.origin !== 'operator');
        const opened = openStore(url);
        for (const l of this.retryListeners) opened.onRetry(l);
        this.stores.set(id, opened);
        return opened;
      })();
      this.opening.set(id, store);
      store.catch(() => this.opening.delete(id));
    }
    return store;
  }

  async closeAll(): Promise<void> {
    const stores = [...this.stores.values()];
    this.stores.clear();
    this.opening.clear();
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
