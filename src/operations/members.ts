/**
 * Members of an app (docs/PROTOCOL.md §7): register, log in (uuid + token), check, log out.
 * The client sends `password` as the md5 of the real password; yesgraph stores a salted scrypt
 * of that, and only a sha256 of each session token.
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { z } from 'zod';
import { randomHex } from '../crypto.js';
import { businessError } from '../errors.js';
import { findMemberByName, insertMember } from '../records/members.js';
import { endSession, openSession } from '../records/sessions.js';
import type { OperationContext } from './context.js';
import { text } from './input.js';

const scrypt = promisify(scryptCb) as (password: string, salt: Buffer, keylen: number) => Promise<Buffer>;
const SESSION_DAYS = 30;

/**
 * Register and Login take the same credentials on both faces. The platform takes the password's
 * md5 as any 32 characters (its SDKs send lower-case hex); it is hashed as sent.
 */
export const credentialsInput = z.object({
  username: text({ min: 1, max: 50 }),
  password: text({ min: 32, max: 32 }),
});
export type Credentials = z.output<typeof credentialsInput>;

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

export async function register(ctx: OperationContext, input: Credentials): Promise<{ uuid: string }> {
  const uuid = randomHex(16).toUpperCase();
  const passwordHash = await hashPassword(input.password);
  try {
    await insertMember(ctx.main, ctx.app.id, uuid, input.username, passwordHash);
  } catch (err) {
    if (ctx.main.dialect.isDuplicateKey(err)) throw businessError('USERNAME_TAKEN');
    throw err;
  }
  return { uuid };
}

export async function login(ctx: OperationContext, input: Credentials): Promise<{ uuid: string; token: string; role: string }> {
  const m = await findMemberByName(ctx.main, ctx.app.id, input.username);
  const matches = await verifyPassword(input.password, m?.passwordHash ?? (await (dummyHash ??= hashPassword(randomHex(16)))));
  if (!m || !matches) throw businessError('LOGIN_FAILED');
  const token = randomHex(32);
  await openSession(ctx.main, ctx.app.id, m.id, token, new Date(Date.now() + SESSION_DAYS * 86_400_000));
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
