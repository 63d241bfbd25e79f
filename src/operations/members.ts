/**
 * Members of an app (docs/PROTOCOL.md §7 and the member module section): register, log in
 * (uuid + token), check, log out; profiles, ext_info, password changes, member lists, and what
 * app admins may do (roles, bans). The client sends `password` as the md5 of the real password;
 * yesgraph stores a salted scrypt of that, and only a sha256 of each session token. No answer
 * here carries a password hash or a token but the login's own.
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import DataLoader from 'dataloader';
import { z } from 'zod';
import { randomHex } from '../crypto.js';
import { businessError, refuse } from '../errors.js';
import { sqlNow } from '../db/datetime.js';
import {
  countMembers,
  findMemberByName,
  findMembers,
  insertMember,
  listMembers as listMemberRows,
  lockMember,
  recordLogin,
  replacePasswordHash,
  setBanned,
  setExtInfo,
  setRole,
  type MemberOrder,
  type MemberRow,
} from '../records/members.js';
import { endMemberSessions, endSession, openSession } from '../records/sessions.js';
import { quote } from '../where/quote.js';
import type { Member, OperationContext } from './context.js';
import { int, text } from './input.js';

const scrypt = promisify(scryptCb) as (password: string, salt: Buffer, keylen: number) => Promise<Buffer>;
const SESSION_DAYS = 30;

/** The role of a new member, and the role whose members are the app's admins. */
export const MEMBER_ROLE = 'user';
export const ADMIN_ROLE = 'admin';
/** Most characters of a member's stored ext_info (its JSON text, after an update is merged in). */
export const EXT_INFO_MAX_CHARS = 8192;
/** Most members one list answers (perpage, num). */
export const MEMBER_LIST_MAX = 1000;
/** Most uuids one MultiProfile call asks for. */
export const MULTI_PROFILE_MAX = 100;
/** What every profile's ext_info holds until the member sets it, as the platform answers. */
const EXT_INFO_DEFAULTS: Readonly<Record<string, unknown>> = { yesapi_nickname: '', yesapi_points: 0 };
/** Role names: lower-case letters, digits and underscores, so no engine's collation can confuse two. */
const ROLE_NAME = /^[a-z0-9_]+$/;

/**
 * Register and Login take the same credentials on both faces. The platform takes the password's
 * md5 as any 32 characters (its SDKs send lower-case hex); it is hashed as sent.
 */
export const credentialsInput = z.object({
  username: text({ min: 1, max: 50 }),
  password: text({ min: 32, max: 32 }),
});
export type Credentials = z.output<typeof credentialsInput>;

/** A member's uuid as a parameter (other_uuid, the GraphQL uuid arguments). */
export const memberUuidInput = text({ min: 32, max: 32 });
/** A role as a parameter: `user`, `admin` or a custom group. */
export const roleInput = text({ min: 1, max: 16 });
/** ext_info as JSON text (the legacy face parses it). */
export const extInfoTextInput = text({ max: EXT_INFO_MAX_CHARS });

export const passwordChangeInput = z.object({
  username: credentialsInput.shape.username,
  oldPassword: text({ min: 32, max: 32 }),
  newPassword: text({ min: 32, max: 32 }),
});
export type PasswordChange = z.output<typeof passwordChangeInput>;

/** A page of members. perpage 0 answers an empty page. */
export const memberPageInput = z.object({
  page: int({ min: 1 }).default(1),
  perpage: int({ min: 0, max: MEMBER_LIST_MAX }).default(20),
  role: roleInput.optional(),
});
/** How many members GetLastestLoginList answers. */
export const latestLoginInput = z.object({ num: int({ min: 0, max: MEMBER_LIST_MAX }).default(20) });

/** A member as both faces answer it; never a password hash or a token. */
export interface MemberProfile {
  readonly uuid: string;
  readonly username: string;
  readonly role: string;
  readonly banned: boolean;
  /** 'YYYY-MM-DD HH:MM:SS' (UTC). */
  readonly registeredAt: string;
  readonly lastLoginAt: string | null;
  readonly extInfo: Readonly<Record<string, unknown>>;
}

function profileOf(row: MemberRow): MemberProfile {
  const stored = row.extInfo === null ? {} : (JSON.parse(row.extInfo) as Record<string, unknown>);
  return {
    uuid: row.uuid,
    username: row.username,
    role: row.role,
    banned: row.banned,
    registeredAt: row.registeredAt,
    lastLoginAt: row.lastLoginAt,
    extInfo: { ...EXT_INFO_DEFAULTS, ...stored },
  };
}

async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, 32);
  return `scrypt$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await scrypt(password, Buffer.from(salt, 'base64url'), expected.length);
  return timingSafeEqual(actual, expected);
}

/** Checked against when the username is unknown, so that the answer takes as long as a wrong password. */
let dummyHash: Promise<string> | undefined;

/** The member of `username` if `password` is theirs; as slow for an unknown name as for a wrong password. */
async function authenticate(ctx: OperationContext, username: string, password: string) {
  const m = await findMemberByName(ctx.main, ctx.app.id, username);
  const matches = await verifyPassword(password, m?.passwordHash ?? (await (dummyHash ??= hashPassword(randomHex(16)))));
  return m && matches ? m : null;
}

/** A parsed ext_info value: a JSON object, or a 400 naming the parameter. */
function extInfoObject(value: unknown, param: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw refuse('DATA_NOT_OBJECT', { param });
  return Object.fromEntries(Object.entries(value));
}

/** ext_info as stored: its JSON text, within EXT_INFO_MAX_CHARS. */
function extInfoText(value: Record<string, unknown>, param: string): string {
  const textual = JSON.stringify(value);
  if (textual.length > EXT_INFO_MAX_CHARS) throw refuse('EXT_INFO_TOO_LARGE', { param, max: EXT_INFO_MAX_CHARS, len: textual.length });
  return textual;
}

/** `extInfo` is ext_info as parsed (undefined: none); `extInfoParam` names it in refusals. */
export async function register(ctx: OperationContext, input: Credentials & { readonly extInfo?: unknown }, extInfoParam = 'ext_info'): Promise<{ uuid: string }> {
  const extInfo = input.extInfo === undefined || input.extInfo === null ? null : extInfoText(extInfoObject(input.extInfo, extInfoParam), extInfoParam);
  const uuid = randomHex(16).toUpperCase();
  const passwordHash = await hashPassword(input.password);
  try {
    await insertMember(ctx.main, ctx.app.id, uuid, input.username, passwordHash, extInfo);
  } catch (err) {
    if (ctx.main.dialect.isDuplicateKey(err)) throw businessError('USERNAME_TAKEN');
    throw err;
  }
  return { uuid };
}

/** A banned member is refused only once the password proved who is asking. */
export async function login(ctx: OperationContext, input: Credentials): Promise<{ uuid: string; token: string; role: string }> {
  const m = await authenticate(ctx, input.username, input.password);
  if (!m) throw businessError('LOGIN_FAILED');
  if (m.banned) throw businessError('MEMBER_BANNED');
  const token = randomHex(32);
  const now = new Date();
  await openSession(ctx.main, ctx.app.id, m.id, token, new Date(now.getTime() + SESSION_DAYS * 86_400_000));
  await recordLogin(ctx.main, m.id, sqlNow(now));
  return { uuid: m.uuid, token, role: m.role };
}

/**
 * Whether the caller's uuid + token name a live session. The guard refused malformed values and
 * unknown members already; a member whose session is dead arrives here as a guest.
 */
export async function checkSession(ctx: OperationContext): Promise<{ uuid: string }> {
  if (!ctx.member) throw businessError('SESSION_EXPIRED');
  return { uuid: ctx.member.uuid };
}

export async function logout(ctx: OperationContext): Promise<Record<string, never>> {
  if (!ctx.member) throw businessError('LOGOUT_WITHOUT_SESSION');
  await endSession(ctx.main, ctx.app.id, ctx.member.token);
  return {};
}

/**
 * The request's loader of profiles by uuid (upper case): every uuid asked for while a request
 * resolves is read in one statement; a uuid naming no member of the app is null.
 */
function profiles(ctx: OperationContext): DataLoader<string, MemberProfile | null> {
  return ctx.loader('member-profiles', () => {
    return new DataLoader<string, MemberProfile | null>(
      async (uuids) => {
        const found = new Map((await findMembers(ctx.main, ctx.app.id, uuids)).map((r) => [r.uuid, profileOf(r)]));
        return uuids.map((u) => found.get(u) ?? null);
      },
      { maxBatchSize: MULTI_PROFILE_MAX },
    );
  });
}

/** After a write, the request's loader answers the member as written. */
function remember(ctx: OperationContext, row: MemberRow): MemberProfile {
  const p = profileOf(row);
  profiles(ctx).clear(p.uuid).prime(p.uuid, p);
  return p;
}

/** The signed-in member; a guest is refused as the platform refuses one (401). */
function signedIn(ctx: OperationContext): Member {
  if (!ctx.member) throw refuse('SESSION_DEAD');
  return ctx.member;
}

/** App.User.Profile: the signed-in member's own profile. */
export async function ownProfile(ctx: OperationContext): Promise<MemberProfile> {
  const p = await profiles(ctx).load(signedIn(ctx).uuid.toUpperCase());
  if (!p) throw refuse('SESSION_DEAD');
  return p;
}

/** App.User.OtherProfile: the member of `uuid` in the calling app, or null. */
export async function memberProfile(ctx: OperationContext, uuid: string): Promise<MemberProfile | null> {
  return profiles(ctx).load(uuid.toUpperCase());
}

/**
 * App.User.MultiProfile: the members among `uuids`, in the order asked, each once. Entries that
 * are not 32 characters are skipped, as the platform skips them; uuids naming nobody too.
 */
export async function memberProfiles(ctx: OperationContext, uuids: readonly string[], param: string): Promise<MemberProfile[]> {
  const wanted = [...new Set(uuids.map((u) => u.trim().toUpperCase()).filter((u) => u.length === 32))];
  if (wanted.length > MULTI_PROFILE_MAX) throw refuse('UUIDS_TOO_MANY', { param, max: MULTI_PROFILE_MAX, count: wanted.length });
  const found = await profiles(ctx).loadMany(wanted);
  return found.filter((p): p is MemberProfile => p !== null && !(p instanceof Error));
}

/**
 * App.User.UpdateExtInfo: merges `value` (a JSON object) into the signed-in member's ext_info,
 * key by key; concurrent updates of one member each keep the other's keys.
 */
export async function updateExtInfo(ctx: OperationContext, value: unknown, param: string): Promise<MemberProfile> {
  const me = signedIn(ctx);
  const update = extInfoObject(value, param);
  const row = await ctx.main.transaction(async (tx) => {
    const current = await lockMember(tx, ctx.app.id, me.uuid.toUpperCase());
    if (!current) throw refuse('SESSION_DEAD');
    const stored = current.extInfo === null ? {} : (JSON.parse(current.extInfo) as Record<string, unknown>);
    const merged = extInfoText({ ...stored, ...update }, param);
    await setExtInfo(tx, current.id, merged);
    return { ...current, extInfo: merged };
  });
  return remember(ctx, row);
}

/**
 * App.User.AlterPassword: a new password for `username` when `oldPassword` is theirs. Every
 * session of the member ends, so a leaked token dies with the old password.
 */
export async function alterPassword(ctx: OperationContext, input: PasswordChange): Promise<Record<string, never>> {
  const m = await authenticate(ctx, input.username, input.oldPassword);
  if (!m) throw businessError('PASSWORD_NOT_CHANGED');
  const next = await hashPassword(input.newPassword);
  await ctx.main.transaction(async (tx) => {
    // Two changes racing with the same old password: only the first finds the old hash.
    if (!(await replacePasswordHash(tx, m.id, m.passwordHash, next))) throw businessError('PASSWORD_NOT_CHANGED');
    await endMemberSessions(tx, ctx.app.id, m.id);
  });
  return {};
}

export interface MemberPage {
  readonly page: number;
  readonly perpage: number;
  /** Only these members' role; every role when absent (or `all`, the platform's word for every role). */
  readonly role?: string | undefined;
  readonly order: MemberOrder;
}

function roleFilter(role: string | undefined): string | null {
  const r = role?.toLowerCase();
  return r === undefined || r === 'all' ? null : r;
}

/** A page of the app's members (GetList, FastGetUserLongList, GetLastestLoginList). */
export async function listMembers(ctx: OperationContext, q: MemberPage): Promise<MemberProfile[]> {
  if (q.perpage === 0) return [];
  const rows = await listMemberRows(ctx.main, ctx.app.id, { role: roleFilter(q.role), order: q.order, limit: q.perpage, offset: (q.page - 1) * q.perpage });
  return rows.map((r) => remember(ctx, r));
}

/** How many members `listMembers` pages through for `q`. */
export async function countAppMembers(ctx: OperationContext, q: Pick<MemberPage, 'role' | 'order'>): Promise<number> {
  return countMembers(ctx.main, ctx.app.id, roleFilter(q.role), q.order);
}

/**
 * The admin an admin-only operation acts for: 411 when nobody signed in as one, 412 when the
 * member who did is not an admin of the app.
 */
export function requireAdmin(admin: Member | null): Member {
  if (!admin) throw refuse('ADMIN_NOT_SIGNED_IN');
  if (admin.role !== ADMIN_ROLE) throw refuse('ADMIN_REQUIRED');
  return admin;
}

/** Whether `role` is a well-formed role name (the command line checks it too). */
export function isRoleName(role: string): boolean {
  return role.length >= 1 && role.length <= 16 && ROLE_NAME.test(role);
}

/** A role an admin may give: a well-formed name; `admin` itself is the operator's to give (410). */
function checkRoleName(role: string, param: string): string {
  if (!isRoleName(role)) throw refuse('ROLE_NAME_INVALID', { name: param, value: quote(role) });
  return role;
}

/**
 * ChangeRole and ChangeRoleForAdmin: an admin gives the member of `uuid` another role. Granting
 * or taking away `admin` is reserved to the operator (`yesgraph member set-role`): 410.
 */
export async function changeRole(
  ctx: OperationContext,
  admin: Member | null,
  input: { readonly uuid: string; readonly role: string },
  service: 'App.User.ChangeRole' | 'App.User.ChangeRoleForAdmin',
  roleParam = 'new_role',
): Promise<MemberProfile> {
  requireAdmin(admin);
  const role = checkRoleName(input.role, roleParam);
  const row = await ctx.main.transaction(async (tx) => {
    const target = await lockMember(tx, ctx.app.id, input.uuid.toUpperCase());
    if (!target) throw refuse('MEMBER_UNKNOWN');
    if (target.role === role) throw businessError('ROLE_UNCHANGED', service);
    if (role === ADMIN_ROLE || target.role === ADMIN_ROLE) throw refuse('ADMIN_ROLE_RESERVED');
    await setRole(tx, target.id, role);
    return { ...target, role };
  });
  return remember(ctx, row);
}

/**
 * BanUserForAdmin: an admin bans (or lets back) the member of `uuid`. A ban ends the member's
 * sessions at once (and the session check refuses a banned member whatever it finds); admins
 * are banned only by the operator: 410.
 */
export async function banMember(ctx: OperationContext, admin: Member | null, input: { readonly uuid: string; readonly banned: boolean }): Promise<MemberProfile> {
  requireAdmin(admin);
  const row = await ctx.main.transaction(async (tx) => {
    const target = await lockMember(tx, ctx.app.id, input.uuid.toUpperCase());
    if (!target) throw refuse('MEMBER_UNKNOWN');
    if (target.banned === input.banned) throw businessError('BAN_UNCHANGED');
    if (target.role === ADMIN_ROLE) throw refuse('ADMIN_BAN_RESERVED');
    await setBanned(tx, target.id, input.banned);
    if (input.banned) await endMemberSessions(tx, ctx.app.id, target.id);
    return { ...target, banned: input.banned };
  });
  return remember(ctx, row);
}
