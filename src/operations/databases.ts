/**
 * The direct-connect databases of an app (App.DB_MsSQL_Config.AddNewDatabaseConfig, GraphQL
 * `addDatabase` and `databases`). API callers give MySQL/MariaDB or SQL Server connection
 * fields, as the platform's form does; SQLite files are the operator's (`yesgraph db add`).
 * The connection is tried before it is saved; the password is sealed by the registry and is
 * never part of an answer, an error message or a log line.
 */
import { randomUUID } from 'node:crypto';
import type { EngineName } from '../db/dialect.js';
import { DatabaseConfigError, DatabaseRefusedError, RegistrationRateError, type RegisteredDatabase } from '../db/registry.js';
import { businessError, refuse } from '../errors.js';
import type { OperationContext } from './context.js';
import type { DatabaseInput } from './database-input.js';

export type RemoteEngine = DatabaseInput['engine'];

export const DEFAULT_PORT: Record<RemoteEngine, number> = { mysql: 3306, mssql: 1433 };

/** A registration's fields, bounded once in database-input.ts for both faces. */
export type NewDatabase = DatabaseInput;

/** What may be shown of a registration: no host, database name or credentials. */
export interface DatabaseSummary {
  readonly dbMark: string;
  readonly engine: EngineName;
  readonly tablePrefix: string;
}

const HOSTNAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const IPV6 = /^[0-9A-Fa-f:.]+$/;

function urlHost(host: string): string {
  if (HOSTNAME.test(host)) return host;
  if (host.includes(':') && IPV6.test(host)) return `[${host}]`;
  throw refuse('DB_HOST_INVALID', { host });
}

function databaseUrl(d: NewDatabase): string {
  const auth = `${encodeURIComponent(d.user)}:${encodeURIComponent(d.password)}`;
  return `${d.engine}://${auth}@${urlHost(d.host)}:${d.port ?? DEFAULT_PORT[d.engine]}/${encodeURIComponent(d.name)}`;
}

function summary(db: RegisteredDatabase): DatabaseSummary {
  return { dbMark: db.dbMark, engine: db.engine, tablePrefix: db.tablePrefix };
}

export async function addDatabase(ctx: OperationContext, input: NewDatabase): Promise<DatabaseSummary> {
  const url = databaseUrl(input);
  try {
    return summary(await ctx.databases.add(ctx.app.id, input.dbMark, url, input.tablePrefix));
  } catch (err) {
    // Messages about the request itself (mark, prefix, taken) are safe to show.
    if (err instanceof RegistrationRateError) throw refuse('RATE_LIMITED');
    if (err instanceof DatabaseConfigError) throw businessError('DATABASE_NOT_ADDED', { reason: err.message });
    // Whether a server answered, refused the login or may not be used stays in the log: an
    // answer that told them apart would make this service a port scanner and password oracle.
    if (err instanceof DatabaseRefusedError) {
      const errorId = randomUUID();
      ctx.log.warn({ err, errorId, appId: ctx.app.id, dbMark: input.dbMark }, 'database registration refused');
      throw businessError('DATABASE_REFUSED', { errorId });
    }
    throw err;
  }
}

export async function listDatabases(ctx: OperationContext): Promise<DatabaseSummary[]> {
  return (await ctx.databases.list(ctx.app.id)).map(summary);
}
