/**
 * The member guard: `uuid` and `token` travel together (400 `非法uuid` otherwise); a pair that
 * names no live session of this app is a 401. Without both, the caller is a guest.
 */
import { badRequest, ProtocolError } from '../errors.js';
import type { Store } from '../db/store.js';
import type { App } from '../records/apps.js';
import { findSession, type Member } from '../records/sessions.js';

const UUID = /^[0-9A-Fa-f]{32}$/;
const TOKEN = /^[0-9A-Fa-f]{64}$/;

export class MemberGuard {
  constructor(private readonly main: Store) {}

  async check(app: App, uuid: string | undefined | null, token: string | undefined | null): Promise<Member | null> {
    if (!uuid && !token) return null;
    if (!uuid || !UUID.test(uuid) || !token || !TOKEN.test(token)) throw badRequest('非法uuid');
    const member = await findSession(this.main, app.id, uuid, token);
    if (!member) throw new ProtocolError(401, '客户端非法请求：用户未登录，或登录凭证已过期');
    return member;
  }
}
