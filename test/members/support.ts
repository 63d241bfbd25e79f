/** Members for the member-module suites: registered and signed in through the legacy face, made admins as the operator does. */
import { md5 } from '../../src/crypto.js';
import type { App } from '../../src/records/apps.js';
import { setMemberRole } from '../../src/records/members.js';
import type { TestServer } from '../support/server.js';

export const P = '客户端非法请求：';

export interface Signed {
  readonly uuid: string;
  readonly token: string;
  readonly username: string;
  readonly password: string;
}

let seq = 0;

/** A new member of the app (the suite's app by default), logged in; `extInfo` is sent as Register's ext_info. */
export async function member(t: TestServer, options: { name?: string; extInfo?: unknown; app?: App } = {}): Promise<Signed> {
  const username = options.name ?? `m${++seq}_${Date.now().toString(36)}`;
  const password = md5(`pw-${username}`);
  const params: Record<string, string> = { s: 'App.User.Register', username, password };
  if (options.extInfo !== undefined) params.ext_info = JSON.stringify(options.extInfo);
  const reg = await t.legacy(params, { app: options.app });
  if (reg.data.err_code !== 0) throw new Error(`register ${username}: ${JSON.stringify(reg)}`);
  const login = await t.legacy({ s: 'App.User.Login', username, password }, { app: options.app });
  if (login.data.err_code !== 0) throw new Error(`login ${username}: ${JSON.stringify(login)}`);
  return { uuid: login.data.uuid as string, token: login.data.token as string, username, password };
}

/** A signed-in admin of the app, made one as `yesgraph member set-role` does. */
export async function admin(t: TestServer, app: App = t.app): Promise<Signed> {
  const m = await member(t, { app });
  await setMemberRole(t.rt.main, app.id, { uuid: m.uuid }, 'admin');
  return m;
}

/** The session of a member, as TestServer calls take it. */
export function session(m: Signed): { uuid: string; token: string } {
  return { uuid: m.uuid, token: m.token };
}

/** A member's admin session as the *ForAdmin services take it. */
export function adminParams(m: Signed): { admin_uuid: string; admin_token: string } {
  return { admin_uuid: m.uuid, admin_token: m.token };
}

/** The GraphQL Member fields every suite asks for. */
export const MEMBER_FIELDS = 'uuid username role banned registeredAt lastLoginAt extInfo';
