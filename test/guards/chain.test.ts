/**
 * The guard chain and the app guard as units (src/guards/chain.ts, app.ts, member.ts), on a
 * controlled clock with memory counters and an app table in memory: each limit at exactly its
 * value and one past, the keys and lifetimes the counters are given, the app cache's lifetime
 * and eviction, and the session rules. guards.test.ts proves the same guards through both faces.
 */
import process from 'node:process';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../src/errors.js';
import { AppGuard, appKeyOf, CACHE_MS, isExpired, type GuardedApp } from '../../src/guards/app.js';
import { GuardChain, type Presented } from '../../src/guards/chain.js';
import { MemoryCounters } from '../../src/guards/counters-memory.js';
import { adminSessionOf, MemberGuard, sessionOf } from '../../src/guards/member.js';
import { NO_SETTINGS, type App, type AppRecords, type AppSettings } from '../../src/records/apps.js';
import type { Member } from '../../src/records/sessions.js';
import { member } from '../members/support.js';
import { useServer } from '../support/server.js';

const KEY = 'K'.repeat(32);
const T0 = Date.parse('2030-05-31T23:59:59Z');

function appOf(settings: Partial<AppSettings> = {}, more: Partial<App> = {}): App {
  return {
    id: 1,
    appKey: KEY,
    appSecret: 's',
    name: 't',
    signMode: 'dynamic',
    staticSign: null,
    authEnabled: true,
    status: 'active',
    expiresAt: null,
    isDemo: false,
    settings: { ...NO_SETTINGS, ...settings },
    ...more,
  };
}

/** What a refused call answers: [ret, message]; [200, ''] when it passed. */
async function outcome(fn: () => Promise<unknown> | unknown): Promise<[number, string]> {
  try {
    await fn();
    return [200, ''];
  } catch (err) {
    if (!(err instanceof ProtocolError)) throw err;
    return [err.ret, err.message.replace('客户端非法请求：', '')];
  }
}

/** An app table in memory that counts its lookups. */
function tableOf(apps: App[]) {
  const lookups: string[] = [];
  let failNext = false;
  const records = {
    findByKey: async (key: string) => {
      lookups.push(key);
      if (failNext) {
        failNext = false;
        throw new Error('database away');
      }
      return apps.find((a) => a.appKey === key) ?? null;
    },
  } as unknown as AppRecords;
  return { records, lookups, failOnce: () => (failNext = true) };
}

/** Counters that record what they are asked. */
class SpyCounters extends MemoryCounters {
  readonly calls: unknown[][] = [];
  override take(key: string, limit: number, seconds: number) {
    this.calls.push(['take', key, limit, seconds]);
    return super.take(key, limit, seconds);
  }
  override spend(key: string, cost: number, limit: number, ttl: number) {
    this.calls.push(['spend', key, cost, limit, ttl]);
    return super.spend(key, cost, limit, ttl);
  }
  override once(key: string, ttl: number) {
    this.calls.push(['once', key, ttl]);
    return super.once(key, ttl);
  }
}

/** A well-formed session (the stubbed member guard decides whose it is). */
const MEMBER_SESSION = { uuid: 'A'.repeat(32), token: 'b'.repeat(64) };

function chainOf(app: App, members: Partial<Pick<MemberGuard, 'check'>> = {}) {
  let now = T0;
  const counters = new SpyCounters(() => now);
  const apps = new AppGuard(tableOf([app]).records, () => now);
  const memberGuard = { check: async () => null, ...members } as unknown as MemberGuard;
  const chain = new GuardChain(apps, memberGuard, counters, null, () => now);
  const presented = (time: string | undefined, signature: string | null = 'abcdef'): Presented => ({
    ip: '192.0.2.1',
    verify: () => undefined,
    replay: () => ({ name: '_time', time, signature }),
  });
  const admit = (time?: string, signature?: string | null, session: { uuid: string | null; token: string | null } = MEMBER_SESSION) =>
    chain.admit(chain.rules({ appKey: KEY, ...session }), presented(time, signature));
  return { chain, counters, admit, setNow: (ms: number) => (now = ms) };
}

describe('the replay window', () => {
  const seconds = Math.floor(T0 / 1000);

  it('accepts a signed time exactly the window away on either side, refuses one second more', async () => {
    const { admit } = chainOf(appOf({ replayWindow: 30 }));
    expect(await outcome(() => admit(String(seconds - 30), 'a1'))).toEqual([200, '']);
    expect(await outcome(() => admit(String(seconds + 30), 'a2'))).toEqual([200, '']);
    expect(await outcome(() => admit(String(seconds - 31), 'a3'))).toEqual([409, '请求时间_time与服务器时间相差超过30秒']);
    expect(await outcome(() => admit(String(seconds + 31), 'a4'))).toEqual([409, '请求时间_time与服务器时间相差超过30秒']);
    expect(await outcome(() => admit(undefined))).toEqual([400, '缺少必要参数_time']);
    expect(await outcome(() => admit('-1'))).toEqual([400, '_time应该大于或等于0, 但现在_time = -1']);
  });

  it('holds a dynamic signature, in any case, until its time leaves the window (plus a second)', async () => {
    const { admit, counters } = chainOf(appOf({ replayWindow: 30 }));
    const time = String(seconds - 10);
    expect(await outcome(() => admit(time, 'abCD'))).toEqual([200, '']);
    expect(counters.calls).toEqual([['once', `once:${KEY}:ABCD`, 21]]);
    expect(await outcome(() => admit(time, 'ABcd'))).toEqual([409, '重复的请求：同一签名在30秒内只能使用一次']);
  });

  it('checks only the time of a static or unsigned app, and of a call without a signature', async () => {
    for (const signMode of ['static', 'off'] as const) {
      const { admit, counters } = chainOf(appOf({ replayWindow: 30 }, { signMode }));
      expect(await outcome(() => admit(String(seconds), 'same'))).toEqual([200, '']);
      expect(await outcome(() => admit(String(seconds), 'same'))).toEqual([200, '']);
      expect(counters.calls).toEqual([]);
    }
    const { admit, counters } = chainOf(appOf({ replayWindow: 30 }));
    expect(await outcome(() => admit(String(seconds), null))).toEqual([200, '']);
    expect(await outcome(() => admit(String(seconds), ''))).toEqual([200, '']);
    expect(counters.calls).toEqual([]);
  });

  it('is not read at all without a window', async () => {
    const { admit } = chainOf(appOf());
    expect(await outcome(() => admit(undefined))).toEqual([200, '']);
  });
});

describe('enter: services off, rate, quota', () => {
  it('matches services off in any case and refuses the whole call for one of them', async () => {
    const { chain, admit, counters } = chainOf(appOf({ servicesOff: ['App.Hello.World'], rate: { limit: 5, seconds: 60 } }));
    const admitted = await admit();
    expect(await outcome(() => chain.enter(admitted, ['APP.HELLO.WORLD']))).toEqual([415, '接口已被开发者关闭']);
    expect(await outcome(() => chain.enter(admitted, [null, 'App.Other', 'app.hello.world']))).toEqual([415, '接口已被开发者关闭']);
    expect(counters.calls).toEqual([]);
    expect(await outcome(() => chain.enter(admitted, [null, 'App.Other']))).toEqual([200, '']);
  });

  it('takes one rate token per call under the app key', async () => {
    const { chain, admit, counters } = chainOf(appOf({ rate: { limit: 2, seconds: 60 } }));
    const admitted = await admit();
    expect(await outcome(() => chain.enter(admitted, ['a', 'b']))).toEqual([200, '']);
    expect(await outcome(() => chain.enter(admitted, ['a']))).toEqual([200, '']);
    expect(await outcome(() => chain.enter(admitted, ['a']))).toEqual([414, '并发过高']);
    expect(counters.calls[0]).toEqual(['take', `rate:${KEY}`, 2, 60]);
  });

  it('spends the sum of the services’ costs (1 unless listed, 1 for a field that is no service) under the month, for 32 days', async () => {
    const { chain, admit, counters, setNow } = chainOf(appOf({ quota: 10, costs: { 'App.Dear': 4, 'App.Free': 0 } }));
    const admitted = await admit();
    expect(await outcome(() => chain.enter(admitted, ['App.Dear', null, 'App.Plain', 'App.Free']))).toEqual([200, '']);
    expect(counters.calls).toEqual([['spend', `quota:${KEY}:2030-05`, 6, 10, 32 * 86_400]]);
    expect(await outcome(() => chain.enter(admitted, ['App.Dear']))).toEqual([200, '']); // 10: exactly the quota
    expect(await outcome(() => chain.enter(admitted, [null]))).toEqual([413, '本月接口流量超出，已被临时冻结']);
    // A free call passes a spent quota without asking the counter.
    const asked = counters.calls.length;
    expect(await outcome(() => chain.enter(admitted, ['App.Free']))).toEqual([200, '']);
    expect(counters.calls.length).toBe(asked);
    // A new month (UTC) is a new count.
    setNow(T0 + 1_000);
    expect(await outcome(() => chain.enter(admitted, ['App.Dear']))).toEqual([200, '']);
    expect(counters.calls.at(-1)).toEqual(['spend', `quota:${KEY}:2030-06`, 4, 10, 32 * 86_400]);
  });

  it('asks no counter when the app has neither rate nor quota', async () => {
    const { chain, admit, counters } = chainOf(appOf());
    expect(await outcome(async () => chain.enter(await admit(), ['a']))).toEqual([200, '']);
    expect(counters.calls).toEqual([]);
  });
});

describe('enter: the member session', () => {
  const alice = { id: 7 } as unknown as Member;

  it('looks the session up once per admitted request, however many calls it makes', async () => {
    let checks = 0;
    const { chain, admit } = chainOf(appOf(), { check: async () => (checks++, alice) });
    const admitted = await admit();
    expect(await chain.enter(admitted, ['a'])).toBe(alice);
    expect(await chain.enter(admitted, ['b'], 'lenient')).toBe(alice);
    expect(checks).toBe(1);
    await chain.enter(await admit(), ['a']);
    expect(checks).toBe(2);
  });

  it('a guest (no uuid, no token) is nobody, without a lookup', async () => {
    let checks = 0;
    const { chain, admit } = chainOf(appOf(), { check: async () => (checks++, alice) });
    for (const guest of [{ uuid: null, token: null }, { uuid: '', token: '' }]) {
      expect(await chain.enter(await admit(undefined, undefined, guest), ['a'])).toBeNull();
      expect(await chain.enter(await admit(undefined, undefined, guest), ['a'], 'lenient')).toBeNull();
    }
    expect(checks).toBe(0);
  });

  it('lenient: a dead session (401) calls as a guest; any other refusal or fault still throws', async () => {
    const failing = (err: Error) => chainOf(appOf(), { check: () => Promise.reject(err) });
    const dead = failing(new ProtocolError(401, 'dead'));
    expect(await dead.chain.enter(await dead.admit(), ['a'], 'lenient')).toBeNull();
    const deadStrict = failing(new ProtocolError(401, 'dead'));
    expect(await outcome(async () => deadStrict.chain.enter(await deadStrict.admit(), ['a']))).toEqual([401, 'dead']);
    const unknown = failing(new ProtocolError(400, 'unknown'));
    expect(await outcome(async () => unknown.chain.enter(await unknown.admit(), ['a'], 'lenient'))).toEqual([400, 'unknown']);
    const fault = failing(new Error('database away'));
    await expect(fault.chain.enter(await fault.admit(), ['a'], 'lenient')).rejects.toThrow('database away');
  });
});

describe('the app guard', () => {
  it('an app expires at exactly its expiry time, not a second before', () => {
    const at = Date.parse('2030-01-01T00:00:00Z');
    const app = appOf({}, { expiresAt: '2030-01-01 00:00:00' });
    expect(isExpired(app, at - 1)).toBe(false);
    expect(isExpired(app, at)).toBe(true);
    expect(isExpired(appOf(), at)).toBe(false);
    // The expiry is UTC whatever the machine's zone.
    const zone = process.env.TZ;
    process.env.TZ = 'Asia/Shanghai';
    try {
      expect(isExpired(app, at - 1)).toBe(false);
      expect(isExpired(app, at)).toBe(true);
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });

  it('a failed lookup forgets only itself: a newer lookup of the key stays cached, and forget() in between is no fault', async () => {
    const pending: Array<{ resolve: (a: App | null) => void; reject: (e: Error) => void }> = [];
    const records = { findByKey: () => new Promise<App | null>((resolve, reject) => pending.push({ resolve, reject })) } as unknown as AppRecords;
    const guard = new AppGuard(records, () => T0);
    const first = guard.find(KEY);
    guard.forget();
    const second = guard.find(KEY);
    pending[1]!.resolve(appOf());
    expect((await second)?.app.appKey).toBe(KEY);
    pending[0]!.reject(new Error('database away'));
    await expect(first).rejects.toThrow('database away');
    await guard.find(KEY);
    expect(pending.length).toBe(2);
    // A lookup that fails after forget() emptied the cache.
    const third = guard.find('O'.repeat(32));
    guard.forget();
    pending[2]!.reject(new Error('database away'));
    await expect(third).rejects.toThrow('database away');
    await new Promise((r) => setTimeout(r, 10));
  });

  it('refuses in order: deny list, allow list, unknown key, disabled, expired', async () => {
    const other = 'O'.repeat(32);
    const apps = [
      appOf({ ipDeny: ['192.0.2.0/24'], ipAllow: ['192.0.2.1'] }, { status: 'disabled', expiresAt: '2000-01-01 00:00:00' }),
      appOf({}, { appKey: other, expiresAt: '2000-01-01 00:00:00' }),
    ];
    const guard = new AppGuard(tableOf(apps).records, () => T0);
    expect(await outcome(() => guard.check(KEY, '192.0.2.1'))).toEqual([402, 'IP已被黑名单拦截']);
    expect(await outcome(() => guard.check(KEY, '198.51.100.1'))).toEqual([403, 'IP未命中白名单']);
    expect(await outcome(() => guard.check(KEY, null))).toEqual([403, 'IP未命中白名单']);
    expect(await outcome(() => guard.check('U'.repeat(32), '192.0.2.1'))).toEqual([406, expect.any(String)]);
    expect(await outcome(() => guard.check(other, null))).toEqual([407, '当前应用已过期']);
    const open = new AppGuard(tableOf([appOf({}, { status: 'disabled', expiresAt: '2000-01-01 00:00:00' })]).records, () => T0);
    expect(await outcome(() => open.check(KEY, null))).toEqual([408, '当前应用存在异常，已被封号']);
    const found = await new AppGuard(tableOf([appOf({ servicesOff: ['App.Hello.World'] })]).records, () => T0).check(KEY, null);
    expect(found).toMatchObject({ deny: null, allow: null, servicesOff: new Set(['app.hello.world']) } satisfies Partial<GuardedApp>);
  });

  it('keeps a lookup for CACHE_MS exactly, unknown keys included, and retries one that failed', async () => {
    let now = T0;
    const table = tableOf([appOf()]);
    const guard = new AppGuard(table.records, () => now);
    await guard.find(KEY);
    await guard.find('U'.repeat(32));
    now += CACHE_MS - 1;
    await guard.find(KEY);
    await guard.find('U'.repeat(32));
    expect(table.lookups.length).toBe(2);
    now += 1;
    await guard.find(KEY);
    expect(table.lookups.length).toBe(3);
    guard.forget();
    await guard.find(KEY);
    expect(table.lookups.length).toBe(4);
    const other = 'O'.repeat(32);
    table.failOnce();
    await expect(guard.find(other)).rejects.toThrow('database away');
    expect(await guard.find(other)).toBeNull();
    expect(table.lookups.length).toBe(6);
  });

  it('holds 10,000 keys; the next one drops the oldest thousand', async () => {
    let now = T0;
    const table = tableOf([]);
    const guard = new AppGuard(table.records, () => now);
    const key = (i: number) => String(i).padStart(32, '0');
    for (let i = 0; i < 10_000; i++) await guard.find(key(i));
    // A stale key looked up again goes to the back of the line.
    now += CACHE_MS;
    await guard.find(key(0));
    now = T0;
    table.lookups.length = 0;
    await guard.find(key(10_000));
    await guard.find(key(1000));
    await guard.find(key(1001));
    await guard.find(key(0));
    expect(table.lookups).toEqual([key(10_000), key(1000)]);
    expect((guard as unknown as { cache: Map<string, unknown> }).cache.size).toBe(9_001 + 1);
  });
});

describe('the caller’s parameters', () => {
  it('app_key: exactly 32 characters', async () => {
    expect(appKeyOf('A'.repeat(32))).toBe('A'.repeat(32));
    expect(await outcome(() => appKeyOf('A'.repeat(31)))).toEqual([400, expect.stringContaining('app_key.len')]);
    expect(await outcome(() => appKeyOf('A'.repeat(33)))).toEqual([400, expect.stringContaining('app_key.len')]);
    expect(await outcome(() => appKeyOf(null))).toEqual([400, '缺少必要参数app_key']);
  });

  it('uuid and token travel together: neither is a guest, one alone a missing parameter, a uuid not hex no member', async () => {
    const uuid = 'AB'.repeat(16);
    const token = 'cd'.repeat(32);
    expect(sessionOf(undefined, undefined)).toBeNull();
    expect(sessionOf('', '')).toBeNull();
    expect(sessionOf(uuid, token)).toEqual({ uuid, token });
    expect(await outcome(() => sessionOf(uuid, ''))).toEqual([400, '缺少必要参数token']);
    expect(await outcome(() => sessionOf(undefined, token))).toEqual([400, '缺少必要参数uuid']);
    expect(await outcome(() => sessionOf(uuid, `${token}0`))).toEqual([400, expect.stringContaining('token.len')]);
    expect(await outcome(() => sessionOf('G'.repeat(32), token))).toEqual([400, '非法请求，参数错误']);
    expect(await outcome(() => sessionOf(`${'A'.repeat(31)}-`, token))).toEqual([400, '非法请求，参数错误']);
    expect(await outcome(() => sessionOf(`-${'A'.repeat(31)}`, token))).toEqual([400, '非法请求，参数错误']);
    expect(await outcome(() => sessionOf(uuid, undefined, { uuid: 'admin_uuid', token: 'admin_token' }))).toEqual([400, '缺少必要参数admin_token']);
  });
});

describe('the member guard (SQLite)', () => {
  const t = useServer('sqlite');

  it('a live session is its member, a uuid of no member a 400, a token not live a 401; an admin session is a member or nobody', async () => {
    const m = await member(t);
    const guard = new MemberGuard(t.rt.main);
    expect(await guard.check(t.app, sessionOf(null, null))).toBeNull();
    expect(await guard.check(t.app, sessionOf(m.uuid, m.token))).toMatchObject({ uuid: m.uuid, token: m.token });
    expect(await guard.check(t.app, sessionOf(m.uuid.toLowerCase(), m.token))).toMatchObject({ uuid: m.uuid });
    const otherToken = 'e'.repeat(64);
    expect(await outcome(() => guard.check(t.app, sessionOf(m.uuid, otherToken)))).toEqual([401, '用户未登录，或登录凭证已过期']);
    expect(await outcome(() => guard.check(t.app, sessionOf('F'.repeat(32), m.token)))).toEqual([400, '非法请求，参数错误']);
    // Another app has no such member.
    expect(await outcome(async () => guard.check(await t.newApp(), sessionOf(m.uuid, m.token)))).toEqual([400, '非法请求，参数错误']);

    expect(await adminSessionOf(t.rt.main, t.app, m.uuid, m.token)).toMatchObject({ uuid: m.uuid });
    expect(await adminSessionOf(t.rt.main, t.app, m.uuid, otherToken)).toBeNull();
    expect(await adminSessionOf(t.rt.main, t.app, 'F'.repeat(32), m.token)).toBeNull();
    expect(await adminSessionOf(t.rt.main, t.app, undefined, undefined)).toBeNull();
    expect(await outcome(() => adminSessionOf(t.rt.main, t.app, m.uuid, undefined))).toEqual([400, '缺少必要参数admin_token']);
  });
});
