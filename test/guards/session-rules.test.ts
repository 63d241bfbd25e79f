/**
 * The parameter rules of a member session (src/guards/member.ts): a uuid is exactly 32
 * characters and a token exactly 64, refused in the words of the parameter the caller used
 * (`uuid`/`token`, or an admin's `admin_uuid`/`admin_token`), before any lookup.
 */
import { describe, expect, it } from 'vitest';
import { ADMIN_SESSION, sessionOf, TOKEN, UUID } from '../../src/guards/member.js';

const uuid = 'A'.repeat(32);
const token = 'a'.repeat(64);

describe('member session rules', () => {
  it('take a uuid of exactly 32 characters and a token of exactly 64', () => {
    for (const [rule, n] of [[UUID, 32], [TOKEN, 64]] as const) {
      expect(rule.safeParse('f'.repeat(n)).success).toBe(true);
      expect(rule.safeParse('f'.repeat(n - 1)).success).toBe(false);
      expect(rule.safeParse('f'.repeat(n + 1)).success).toBe(false);
    }
  });

  it('refuse a wrong length under the name the caller sent', () => {
    expect(sessionOf(uuid, token)).toEqual({ uuid, token });
    expect(() => sessionOf(uuid.slice(1), token)).toThrow(/^客户端非法请求：uuid\.len/);
    expect(() => sessionOf(uuid, `${token}0`)).toThrow(/^客户端非法请求：token\.len/);
    expect(sessionOf(uuid, token, ADMIN_SESSION)).toEqual({ uuid, token });
    expect(() => sessionOf(`${uuid}0`, token, ADMIN_SESSION)).toThrow(/^客户端非法请求：admin_uuid\.len/);
    expect(() => sessionOf(uuid, token.slice(1), ADMIN_SESSION)).toThrow(/^客户端非法请求：admin_token\.len/);
  });

  it('treat no uuid and no token as a guest', () => {
    expect(sessionOf(undefined, undefined)).toBeNull();
    expect(sessionOf('', null, ADMIN_SESSION)).toBeNull();
  });
});
