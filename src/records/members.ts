/**
 * Members of an app (`yg_member`) as the member guard and the member operations read and
 * write them. Sessions are src/records/sessions.ts; a session lookup here tells apart a uuid
 * that names no member of the app from a member whose session is not live.
 */
import { sqlNow } from '../db/datetime.js';
import { sql } from '../db/sql.js';
import type { Executor } from '../db/store.js';
import { tokenHash, type Member } from './sessions.js';

export interface MemberRecord {
  readonly id: number;
  readonly uuid: string;
  readonly passwordHash: string;
  readonly role: string;
}

/** Throws the engine's duplicate-key error when the app has the username already. */
export async function insertMember(db: Executor, appId: number, uuid: string, username: string, passwordHash: string): Promise<void> {
  await db.execute(sql`INSERT INTO yg_member (app_id, uuid, username, password_hash) VALUES (${appId}, ${uuid}, ${username}, ${passwordHash})`);
}

export async function findMemberByName(db: Executor, appId: number, username: string): Promise<MemberRecord | null> {
  const [m] = await db.query<{ id: number; uuid: string; password_hash: string; role: string }>(
    sql`SELECT id, uuid, password_hash, role FROM yg_member WHERE app_id = ${appId} AND username = ${username}`,
  );
  return m ? { id: Number(m.id), uuid: m.uuid, passwordHash: m.password_hash, role: m.role } : null;
}

/** What `uuid` + `token` name in an app: a live session, a member without one, or nobody. */
export type SessionLookup = { readonly status: 'live'; readonly member: Member } | { readonly status: 'dead' } | { readonly status: 'unknown' };

/** One statement: the member of `uuid` in the app, joined to its live session of `token` if any. */
export async function lookupSession(db: Executor, appId: number, uuid: string, token: string): Promise<SessionLookup> {
  const [row] = await db.query<{ uuid: string; session_id: number | null }>(sql`SELECT m.uuid, s.id AS session_id FROM yg_member m
LEFT JOIN yg_member_session s ON s.member_id = m.id AND s.app_id = m.app_id AND s.token_hash = ${tokenHash(token)} AND s.expires_at > ${sqlNow()}
WHERE m.app_id = ${appId} AND m.uuid = ${uuid.toUpperCase()}`);
  if (!row) return { status: 'unknown' };
  if (row.session_id === null) return { status: 'dead' };
  return { status: 'live', member: { uuid: row.uuid, token } };
}
