/**
 * Telling whether two connections reach the same database, however it was named or reached
 * (a host alias, an IP, another letter case of the database name, another node of a cluster).
 * Two signs, either one enough: the server's own identity with the database name, and the
 * main store's instance token (`yg_instance`, a random value written by its migration), which
 * a copy replicated to another node of a cluster carries too.
 */
import { realpathSync } from 'node:fs';
import { sql } from './sql.js';
import type { Store } from './store.js';

const IDENTITY = {
  mysql: sql`SELECT CONCAT(@@hostname, ':', @@port, '/', LOWER(DATABASE())) AS id`,
  mssql: sql`SELECT CONCAT(CAST(SERVERPROPERTY('MachineName') AS NVARCHAR(128)), '\\', @@SERVICENAME, '/', LOWER(DB_NAME())) AS id`,
  sqlite: sql`SELECT file AS id FROM pragma_database_list WHERE name = 'main'`,
} as const;

/** The server-and-database identity of the store's connection, or null when it cannot tell. */
export async function databaseIdentity(store: Store): Promise<string | null> {
  try {
    const [row] = await store.query<{ id: string | null }>(IDENTITY[store.dialect.name]);
    const id = row?.id ?? null;
    if (!id) return null;
    if (store.dialect.name !== 'sqlite') return `${store.dialect.name}:${id}`;
    try {
      return `sqlite:${realpathSync(id)}`;
    } catch {
      return `sqlite:${id}`;
    }
  } catch {
    return null;
  }
}

/** The instance token of a yesgraph main store reachable through `store`, or null. */
export async function instanceToken(store: Store): Promise<string | null> {
  try {
    const [row] = await store.query<{ token: string }>(sql`SELECT token FROM yg_instance WHERE id = 1`);
    return row?.token ?? null;
  } catch {
    return null;
  }
}

/** True when `candidate` reaches the database of `main`. */
export async function isSameDatabase(main: Store, candidate: Store): Promise<boolean> {
  const [mainId, candidateId] = await Promise.all([databaseIdentity(main), databaseIdentity(candidate)]);
  if (mainId !== null && mainId === candidateId) return true;
  const [mainToken, candidateToken] = await Promise.all([instanceToken(main), instanceToken(candidate)]);
  return mainToken !== null && mainToken === candidateToken;
}
