/** The address policy for databases apps register: what counts as public, allow-list entries, names. */
import { describe, expect, it } from 'vitest';
import { checkTarget, isNonPublicAddress, parseAllowList, type TargetPolicy } from '../../src/db/target-policy.js';

const none: TargetPolicy = { allow: [], allowPublic: true };

describe('database target policy', () => {
  it.each([
    '127.0.0.1',
    '127.8.9.10',
    '0.0.0.0',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '224.0.0.1',
    '255.255.255.255',
    '::',
    '::1',
    'fe80::1',
    'fd00::1',
    'fc00::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:10.0.0.1',
    '64:ff9b::a00:1',
    'not an address',
  ])('refuses %s as not public', (address) => {
    expect(isNonPublicAddress(address)).toBe(true);
  });

  it.each(['8.8.8.8', '1.1.1.1', '172.32.0.1', '192.169.0.1', '2001:4860:4860::8888', '::ffff:8.8.8.8'])('lets %s through as public', (address) => {
    expect(isNonPublicAddress(address)).toBe(false);
  });

  it('parses host, port and database patterns, and refuses malformed entries', () => {
    const [a, b, c] = parseAllowList(' db.internal:3306/shop_* , [::1], 10.0.0.5/*');
    expect(a).toMatchObject({ host: 'db.internal', port: 3306 });
    expect(a!.database!.test('shop_eu')).toBe(true);
    expect(a!.database!.test('shop')).toBe(false);
    expect(a!.database!.test('SHOP_eu')).toBe(false);
    expect(b).toEqual({ host: '::1', port: null, database: null });
    expect(c).toEqual({ host: '10.0.0.5', port: null, database: null });
    expect(() => parseAllowList('host:99999')).toThrow(/port/);
    expect(() => parseAllowList('a b')).toThrow(/host\[:port\]/);
  });

  it('refuses loopback by name and by address unless listed, with port and database checked', async () => {
    for (const host of ['localhost', '127.0.0.1', '[::1]', '::ffff:127.0.0.1', '0.0.0.0', '10.0.0.1']) {
      await expect(checkTarget(none, { host, port: 3306, database: 'shop' })).rejects.toThrow(/not public/);
    }
    const policy: TargetPolicy = { allow: parseAllowList('127.0.0.1:3306/shop_*'), allowPublic: true };
    await expect(checkTarget(policy, { host: '127.0.0.1', port: 3306, database: 'shop_1' })).resolves.toBeUndefined();
    // `localhost` resolves to the listed address (and possibly ::1, which is not listed).
    await expect(checkTarget(policy, { host: '127.0.0.1', port: 3307, database: 'shop_1' })).rejects.toThrow(/not public/);
    await expect(checkTarget(policy, { host: '127.0.0.1', port: 3306, database: 'yesgraph' })).rejects.toThrow(/not public/);
    await expect(checkTarget({ allow: [], allowPublic: false }, { host: '8.8.8.8', port: 3306, database: 'x' })).rejects.toThrow(/not in YESGRAPH_DB_ALLOW/);
    await expect(checkTarget(none, { host: '8.8.8.8', port: 3306, database: 'x' })).resolves.toBeUndefined();
    await expect(checkTarget(none, { host: 'no-such-host.invalid', port: 3306, database: 'x' })).rejects.toThrow(/does not resolve/);
  });
});
