/**
 * Member sessions of an app (`yg_member_session`): the member operations open and end them
 * (the guard looks them up through members.ts). Only a sha256 of each token is stored.
 */
import { createHash } from 'node:crypto';
import { sqlNow } from '../db/datetime.js';
import { sql } from '../db/sql.js';
import type { Executor } from '../db/store.js';

/** A signed-in member of the calling app. */
export interface Member {
  readonly uuid: string;
  /** The session token the caller presented (needed to end the session). */
  readonly token: string;
  /** The member's role as the session check read it: `user`, `admin` or a custom group. */
  readonly role: string;
}

export function tokenHash(token: string): string {
  return createHash('sha256').update(token.toLowerCase()).digest('hex');
}

export async function openSession(db: Executor, appId: number, memberId: number, token: string, expiresAt: Date): Promise<void> {
  await db.execute(sql`INSERT INTO yg_member_session (app_id, member_id, token_hash, expires_at)
VALUES (${appId}, ${memberId}, ${tokenHash(token)}, ${sqlNow(expiresAt)})`);
}

export async function endSession(db: Executor, appId: number, token: string): Promise<void> {
  await db.execute(sql`DELETE FROM yg_member_session WHERE token_hash = ${tokenHash(token)} AND app_id = ${appId}`);
}

/** Ends every session of a member (a ban, a new password). */
export async function endMemberSessions(db: Executor, appId: number, memberId: number): Promise<void> {
  await db.execute(sql`DELETE FROM yg_member_session WHERE member_id = ${memberId} AND app_id = ${appId}`);
}
