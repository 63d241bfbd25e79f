/**
 * The member guard: `uuid` and `token` travel together (400 `非法uuid` otherwise); a pair that
 * names no live session of this app is a 401. Without both, the caller is a guest.
 */
import { createHash } from 'node:crypto';
import { badRequest, ProtocolError } from '../errors.js';
import { sql } from '../db/sql.js';
import type { Store } from '../db/store.js';
import type { App } from '../operations/apps.js';
import type { Member } from '../operations/context.js';

const UUID = /^[0-9A-Fa-f]{32}$/;
const TOKEN = /^[0-9A-Fa-f]{64}$/;

export function tokenHash(token: string): string {
  return createHash('sha256').update(token.toLowerCase()).digest('hex');
}

/** Current time as the DATETIME text both engines compare correctly. */
export function sqlNow(now = new Date()): string {
  return now.toISOString().slice(0, 19).replace('T', ' ');
}

export class MemberGuard {
  constructor(private readonly main: Store) {}

  async check(app: App, uuid: string | undefined | null, token: string | undefined | null): Promise<Member | null> {
    if (!uuid && !token) return null;
    if (!uuid || !UUID.test(uuid) || !token || !TOKEN.test(token)) throw badRequest('非法uuid');
    const [row] = await this.main.query<{ uuid: string }>(sql`SELECT m.uuid FROM yg_member_session s
JOIN yg_member m ON m.id = s.member_id
WHERE s.token_hash = ${tokenHash(token)} AND s.app_id = ${app.id} AND m.uuid = ${uuid.toUpperCase()} AND s.expires_at > ${sqlNow()}`);
    if (!row) throw new ProtocolError(401, '客户端非法请求：用户未登录，或登录凭证已过期');
    return { uuid: row.uuid, token };
  }
}
