/** Turns a database URL into a Store: `sqlite:PATH`, `mysql://…` (or `mariadb://…`), `mssql://…`. */
import type { EngineName } from './dialect.js';
import type { Store } from './store.js';
import { SqliteStore } from './sqlite.js';
import { MysqlStore } from './mysql.js';
import { MssqlStore } from './mssql.js';

export class DatabaseUrlError extends Error {}

export interface ParsedUrl {
  readonly engine: EngineName;
  readonly url: string;
  /** For sqlite: the file path (or `:memory:`). */
  readonly path?: string;
}

export function parseDatabaseUrl(url: string): ParsedUrl {
  const m = /^([a-z]+):/.exec(url);
  const scheme = m?.[1];
  if (scheme === 'sqlite') {
    const path = url.slice('sqlite:'.length).replace(/^\/\//, '');
    if (!path) throw new DatabaseUrlError(`sqlite URL needs a path: sqlite:./data/yesgraph.db`);
    return { engine: 'sqlite', url, path };
  }
  if (scheme === 'mysql' || scheme === 'mariadb' || scheme === 'mssql' || scheme === 'sqlserver') {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      throw new DatabaseUrlError(`not a valid URL: ${redactUrl(url)}`);
    }
    if (!u.hostname) throw new DatabaseUrlError(`database URL has no host: ${redactUrl(url)}`);
    if (u.pathname.length < 2) throw new DatabaseUrlError(`database URL names no database: ${redactUrl(url)}`);
    const engine = scheme === 'mssql' || scheme === 'sqlserver' ? 'mssql' : 'mysql';
    const normalized = scheme === 'mariadb' ? url.replace(/^mariadb:/, 'mysql:') : url;
    return { engine, url: normalized };
  }
  throw new DatabaseUrlError(
    `unsupported database URL ${JSON.stringify(redactUrl(url))}: use sqlite:PATH, mysql://user:pass@host:3306/db or mssql://user:pass@host:1433/db`,
  );
}

/** The URL with its password replaced by `***`, for logs and listings. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:/@]*:)[^@]*@/i, '$1***@');
}

export function openStore(url: string): Store {
  const p = parseDatabaseUrl(url);
  if (p.engine === 'sqlite') return new SqliteStore(p.path!);
  if (p.engine === 'mysql') return new MysqlStore(p.url);
  return new MssqlStore(p.url);
}
