/**
 * The member guard. `uuid` and `token` travel together; neither (absent or empty) makes the
 * caller a guest. Their rules are checked before any lookup, in the platform's words: one
 * without the other is `缺少必要参数…`, a wrong length the `.len` message, and a uuid that is
 * not hex can name no member. Then a uuid naming no member of the app is a 400
 * `非法请求，参数错误`, and a member whose token is not live a 401.
 *
 * Sessions are looked up on every call and never cached: a logout, a ban or a new password
 * ends a session at once, on every instance.
 */
import type { Executor, Store } from '../db/store.js';
import { refuse } from '../errors.js';
import { readParam, text } from '../operations/input.js';
import type { App } from '../records/apps.js';
import { lookupSession } from '../records/members.js';
import type { Member } from '../records/sessions.js';

/** A member's uuid: 32 hex digits, issued upper case. */
export const UUID = text({ min: 32, max: 32 });
/** A session token: 64 hex digits, issued lower case. */
export const TOKEN = text({ min: 64, max: 64 });

const HEX = /^[0-9A-Fa-f]+$/;

export interface SessionKey {
  readonly uuid: string;
  readonly token: string;
}

/** The parameter names a session travels under: `uuid`/`token`, or an admin's `admin_uuid`/`admin_token`. */
export interface SessionNames {
  readonly uuid: string;
  readonly token: string;
}

const CALLER: SessionNames = { uuid: 'uuid', token: 'token' };
export const ADMIN_SESSION: SessionNames = { uuid: 'admin_uuid', token: 'admin_token' };

/** The session a caller presents, or null for a guest; refused by the parameter rules only. */
export function sessionOf(uuid: string | undefined | null, token: string | undefined | null, names: SessionNames = CALLER): SessionKey | null {
  if (!uuid && !token) return null;
  const key = { uuid: readParam(UUID, uuid || undefined, names.uuid), token: readParam(TOKEN, token || undefined, names.token) };
  if (!HEX.test(key.uuid)) throw refuse('MEMBER_UNKNOWN');
  return key;
}

export class MemberGuard {
  constructor(private readonly main: Store) {}

  /** The member of the session a caller presents (`sessionOf`, checked by the rules), or null for a guest. */
  async check(app: App, key: SessionKey | null): Promise<Member | null> {
    if (!key) return null;
    const found = await lookupSession(this.main, app.id, key.uuid, key.token);
    if (found.status === 'unknown') throw refuse('MEMBER_UNKNOWN');
    if (found.status === 'dead') throw refuse('SESSION_DEAD');
    return found.member;
  }
}

/**
 * The member signed in as `admin_uuid` + `admin_token` (the *ForAdmin services), or null when
 * they are absent or name no live session: nobody signed in as an admin (411). Whether that
 * member is an admin is the operation's to judge (412).
 */
export async function adminSessionOf(main: Executor, app: App, uuid: string | undefined, token: string | undefined): Promise<Member | null> {
  const key = sessionOf(uuid, token, ADMIN_SESSION);
  if (!key) return null;
  const found = await lookupSession(main, app.id, key.uuid, key.token);
  return found.status === 'live' ? found.member : null;
}
