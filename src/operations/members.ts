/**
 * Members of an app (PROTOCOL.md §7): register, log in (uuid + token), check, log out.
 * The client sends `password` as the lower-case md5 of the real password; yesgraph stores a
 * salted scrypt of that, and only a sha256 of each session token.
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { randomHex } from '../crypto.js';
import { sql } from '../db/sql.js';
import { BusinessError } from '../errors.js';
import { endSession, openSession } from '../records/sessions.js';
import type { OperationContext } from './context.js';

const scrypt = promisify(scryptCb) as (password: string, salt: Buffer, keylen: number) => Promise<Buffer>;
const SESSION_DAYS = 30;

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

export async function register(ctx: OperationContext, input: { username: string; password: string }): Promise<{ uuid: string }> {
  const uuid = randomHex(16).toUpperCase();
  const passwordHash = await hashPassword(input.password);
  try {
    await ctx.main.execute(sql`INSERT INTO yg_member (app_id, uuid, username, password_hash) VALUES (${ctx.app.id}, ${uuid}, ${input.username}, ${passwordHash})`);
  } catch (err) {
    if (ctx.main.dialect.isDuplicateKey(err)) throw new BusinessError('App.User.Register', 1, '用户名已被注册');
    throw err;
  }
  return { uuid };
}

export async function login(
  ctx: OperationContext,
  input: { username: string; password: string },
): Promise<{ uuid: string; token: string; role: string }> {
  const [m] = await ctx.main.query<{ id: number; uuid: string; password_hash: string; role: string }>(
    sql`SELECT id, uuid, password_hash, role FROM yg_member WHERE app_id = ${ctx.app.id} AND username = ${input.username}`,
  );
  if (!m || !(await verifyPassword(input.password, m.password_hash))) {
    throw new BusinessError('App.User.Login', 1, '用户名或密码错误');
  }
  const token = randomHex(32);
  await openSession(ctx.main, ctx.app.id, m.id, token, new Date(Date.now() + SESSION_DAYS * 86_400_000));
  return { uuid: m.uuid, token, role: m.role };
}

/** Whether the caller's uuid + token name a live session (the guard already checked them). */
export async function checkSession(ctx: OperationContext): Promise<{ uuid: string }> {
  if (!ctx.member) throw new BusinessError('App.User.Check', 1, '会话无效或已过期');
  return { uuid: ctx.member.uuid };
}

export async function logout(ctx: OperationContext): Promise<Record<string, never>> {
  if (!ctx.member) throw new BusinessError('App.User.Logout', 1, '会话无效或已过期');
  await endSession(ctx.main, ctx.app.id, ctx.member.token);
  return {};
}
