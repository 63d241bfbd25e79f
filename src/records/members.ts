/**
 * Members of an app (`yg_member`) as the member guard and the member operations read and
 * write them. Sessions are src/records/sessions.ts; a session lookup here tells apart a uuid
 * that names no member of the app from a member whose session is not live. Every read is
 * scoped to one app, and no read but `findMemberByName` (login, password change) returns the
 * password hash.
 */
import { sqlNow } from '../db/datetime.js';
import { empty, inList, raw, sql, type Sql } from '../db/sql.js';
import type { Executor, Store } from '../db/store.js';
import { tokenHash, type Member } from './sessions.js';

export interface MemberRecord {
  readonly id: number;
  readonly uuid: string;
  readonly passwordHash: string;
  readonly role: string;
  readonly banned: boolean;
}

/** A member as profiles and lists show it: never the password hash or a token. */
export interface MemberRow {
  readonly id: number;
  readonly uuid: string;
  readonly username: string;
  readonly role: string;
  readonly banned: boolean;
  /** 'YYYY-MM-DD HH:MM:SS' (UTC). */
  readonly registeredAt: string;
  readonly lastLoginAt: string | null;
  /** The stored JSON text of ext_info; null for none. */
  readonly extInfo: string | null;
}

/** The order of a member list: newest or oldest registration first, or latest login first (members who logged in). */
export type MemberOrder = 'newest' | 'oldest' | 'lastLogin';

const PROFILE = raw('SELECT id, uuid, username, role, banned, created_at, last_login_at, ext_info FROM yg_member');

interface ProfileRow {
  id: number | string;
  uuid: string;
  username: string;
  role: string;
  banned: number | string;
  created_at: string;
  last_login_at: string | null;
  ext_info: string | null;
}

function memberRow(r: ProfileRow): MemberRow {
  return {
    id: Number(r.id),
    uuid: r.uuid,
    username: r.username,
    role: r.role,
    banned: Number(r.banned) !== 0,
    registeredAt: String(r.created_at),
    lastLoginAt: r.last_login_at === null ? null : String(r.last_login_at),
    extInfo: r.ext_info,
  };
}

/** Throws the engine's duplicate-key error when the app has the username already. */
export async function insertMember(db: Executor, appId: number, uuid: string, username: string, passwordHash: string, extInfo: string | null): Promise<void> {
  await db.execute(sql`INSERT INTO yg_member (app_id, uuid, username, password_hash, ext_info, created_at)
VALUES (${appId}, ${uuid}, ${username}, ${passwordHash}, ${extInfo}, ${sqlNow()})`);
}

export async function findMemberByName(db: Executor, appId: number, username: string): Promise<MemberRecord | null> {
  const [m] = await db.query<{ id: number; uuid: string; password_hash: string; role: string; banned: number | string }>(
    sql`SELECT id, uuid, password_hash, role, banned FROM yg_member WHERE app_id = ${appId} AND username = ${username}`,
  );
  return m ? { id: Number(m.id), uuid: m.uuid, passwordHash: m.password_hash, role: m.role, banned: Number(m.banned) !== 0 } : null;
}

export async function recordLogin(db: Executor, memberId: number, at: string): Promise<void> {
  await db.execute(sql`UPDATE yg_member SET last_login_at = ${at} WHERE id = ${memberId}`);
}

/** Sets a new password hash only while the old one is still `expected`; false when it was not. */
export async function replacePasswordHash(db: Executor, memberId: number, expected: string, next: string): Promise<boolean> {
  const r = await db.execute(sql`UPDATE yg_member SET password_hash = ${next} WHERE id = ${memberId} AND password_hash = ${expected}`);
  return r.affectedRows === 1;
}

/** The members of the app among `uuids` (upper case), in one statement; none asked, none read. */
export async function findMembers(db: Executor, appId: number, uuids: readonly string[]): Promise<MemberRow[]> {
  if (!uuids.length) return [];
  const rows = await db.query<ProfileRow>(sql`${PROFILE} WHERE app_id = ${appId} AND uuid IN (${inList(uuids)})`);
  return rows.map(memberRow);
}

function listFilter(appId: number, role: string | null, order: MemberOrder): Sql {
  const byRole = role === null ? empty : sql` AND role = ${role}`;
  const loggedIn = order === 'lastLogin' ? raw(' AND last_login_at IS NOT NULL') : empty;
  return sql` WHERE app_id = ${appId}${byRole}${loggedIn}`;
}

const ORDER_BY: Record<MemberOrder, Sql> = {
  newest: raw(' ORDER BY id DESC'),
  oldest: raw(' ORDER BY id ASC'),
  lastLogin: raw(' ORDER BY last_login_at DESC, id DESC'),
};

/** A page of the app's members (of one role when `role` is given). */
export async function listMembers(
  db: Executor,
  appId: number,
  q: { readonly role: string | null; readonly order: MemberOrder; readonly limit: number; readonly offset: number },
): Promise<MemberRow[]> {
  const rows = await db.query<ProfileRow>(sql`${PROFILE}${listFilter(appId, q.role, q.order)}${ORDER_BY[q.order]}${db.dialect.limitOffset(q.limit, q.offset)}`);
  return rows.map(memberRow);
}

/** How many members `listMembers` would page through. */
export async function countMembers(db: Executor, appId: number, role: string | null, order: MemberOrder): Promise<number> {
  const [r] = await db.query<{ n: number | string }>(sql`SELECT COUNT(*) AS n FROM yg_member${listFilter(appId, role, order)}`);
  return Number(r?.n ?? 0);
}

/**
 * The member of `uuid` in the app, its row locked until the transaction `tx` ends (MySQL's
 * FOR UPDATE; a SQLite write transaction holds the database's write lock already).
 */
export async function lockMember(tx: Executor, appId: number, uuid: string): Promise<MemberRow | null> {
  const lock = tx.dialect.rowLock;
  const [r] = await tx.query<ProfileRow>(
    sql`${PROFILE}${lock.hint} WHERE app_id = ${appId} AND uuid = ${uuid}${lock.suffix}`,
  );
  return r ? memberRow(r) : null;
}

/** The member of `username` in the app, locked as `lockMember` locks. */
export async function lockMemberByName(tx: Executor, appId: number, username: string): Promise<MemberRow | null> {
  const lock = tx.dialect.rowLock;
  const [r] = await tx.query<ProfileRow>(
    sql`${PROFILE}${lock.hint} WHERE app_id = ${appId} AND username = ${username}${lock.suffix}`,
  );
  return r ? memberRow(r) : null;
}

/**
 * The operator's role change (`yesgraph member set-role`): any role, `admin` included, for the
 * member named by uuid or username; null when the app has no such member.
 */
export async function setMemberRole(store: Store, appId: number, who: { readonly uuid: string } | { readonly username: string }, role: string): Promise<MemberRow | null> {
  return store.transaction(async (tx) => {
    const row = 'uuid' in who ? await lockMember(tx, appId, who.uuid.toUpperCase()) : await lockMemberByName(tx, appId, who.username);
    if (!row) return null;
    await setRole(tx, row.id, role);
    return { ...row, role };
  });
}

export async function setExtInfo(db: Executor, memberId: number, extInfo: string): Promise<void> {
  await db.execute(sql`UPDATE yg_member SET ext_info = ${extInfo} WHERE id = ${memberId}`);
}

export async function setRole(db: Executor, memberId: number, role: string): Promise<void> {
  await db.execute(sql`UPDATE yg_member SET role = ${role} WHERE id = ${memberId}`);
}

export async function setBanned(db: Executor, memberId: number, banned: boolean): Promise<void> {
  await db.execute(sql`UPDATE yg_member SET banned = ${banned ? 1 : 0} WHERE id = ${memberId}`);
}

/** What `uuid` + `token` name in an app: a live session, a member without one, or nobody. */
export type SessionLookup = { readonly status: 'live'; readonly member: Member } | { readonly status: 'dead' } | { readonly status: 'unknown' };

/**
 * One statement: the member of `uuid` in the app, joined to its live session of `token` if
 * any. A banned member has no live session, whatever the session table still holds, so a ban
 * takes effect at once even against a login that raced it.
 */
export async function lookupSession(db: Executor, appId: number, uuid: string, token: string): Promise<SessionLookup> {
  const [row] = await db.query<{ uuid: string; role: string; session_id: number | null }>(sql`SELECT m.uuid, m.role, s.id AS session_id FROM yg_member m
LEFT JOIN yg_member_session s ON s.member_id = m.id AND s.app_id = m.app_id AND s.token_hash = ${tokenHash(token)} AND s.expires_at > ${sqlNow()} AND m.banned = 0
WHERE m.app_id = ${appId} AND m.uuid = ${uuid.toUpperCase()}`);
  if (!row) return { status: 'unknown' };
  if (row.session_id === null) return { status: 'dead' };
  return { status: 'live', member: { uuid: row.uuid, token, role: row.role } };
}
