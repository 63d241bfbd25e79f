/** Addresses, CIDR lists and the client address behind trusted proxies (src/guards/ip.ts). */
import { describe, expect, it } from 'vitest';
import { clientIp, CidrError, formatCidr, IpList, normalizeIp, parseCidr, parseCidrList } from '../../src/guards/ip.js';

describe('normalizeIp', () => {
  it.each([
    ['10.0.0.1', '10.0.0.1'],
    [' 10.0.0.1 ', '10.0.0.1'],
    ['::ffff:10.0.0.1', '10.0.0.1'],
    ['::FFFF:10.0.0.1', '10.0.0.1'],
    ['::ffff:a00:1', '10.0.0.1'],
    ['0:0:0:0:0:ffff:7f00:1', '127.0.0.1'],
    ['[::ffff:192.0.2.7]', '192.0.2.7'],
    ['2001:DB8::1', '2001:db8::1'],
    ['fe80::1%eth0', 'fe80::1'],
    ['::1', '::1'],
    ['::ffff:0:10.0.0.1', '::ffff:0:10.0.0.1'],
    ['::ffff:192.168.100.200', '192.168.100.200'],
    ['::FFFF:C0A8:64C8', '192.168.100.200'],
    ['::fffe:10.0.0.1', '::fffe:10.0.0.1'],
    ['::feff:10.0.0.1', '::feff:10.0.0.1'],
    ['1::ffff:10.0.0.1', '1::ffff:10.0.0.1'],
    ['0:0:0:0:1:ffff:a00:1', '0:0:0:0:1:ffff:a00:1'],
    ['0::ffff:10.0.0.1', '10.0.0.1'],
    ['0:0:0::ffff:a00:1', '10.0.0.1'],
  ])('%s is %s', (text, ip) => {
    expect(normalizeIp(text)).toBe(ip);
  });

  it.each(['', 'unknown', '10.0.0', '10.0.0.256', '010.0.0.1', '1.2.3.4:80', 'example.com', '::g'])('%j is no address', (text) => {
    expect(normalizeIp(text)).toBeNull();
  });
});

describe('parseCidr', () => {
  it('reads addresses and ranges of both families', () => {
    expect(parseCidr('10.0.0.0/8')).toEqual({ address: '10.0.0.0', prefix: 8, family: 4 });
    expect(parseCidr('192.0.2.7')).toEqual({ address: '192.0.2.7', prefix: 32, family: 4 });
    expect(parseCidr('2001:DB8::/32')).toEqual({ address: '2001:db8::', prefix: 32, family: 6 });
    expect(parseCidr('::1')).toEqual({ address: '::1', prefix: 128, family: 6 });
    expect(parseCidr('0.0.0.0/0')).toEqual({ address: '0.0.0.0', prefix: 0, family: 4 });
  });

  it('reads an IPv4-mapped IPv6 range as the IPv4 range it covers', () => {
    expect(parseCidr('::ffff:10.0.0.0/104')).toEqual({ address: '10.0.0.0', prefix: 8, family: 4 });
    expect(parseCidr('::ffff:192.0.2.7')).toEqual({ address: '192.0.2.7', prefix: 32, family: 4 });
  });

  it.each([
    ['', /not an IP address/],
    ['10.0.0.0/33', /prefix must be 0–32/],
    ['2001:db8::/129', /prefix must be 0–128/],
    ['10.0.0.0/', /prefix/],
    ['10.0.0.0/-1', /prefix/],
    ['10.0.0.0/8/8', /prefix/],
    ['fe80::1%eth0/64', /not an IP address/],
    ['example.com/8', /not an IP address/],
    ['10.0.0.1 10.0.0.2', /not an IP address/],
  ])('refuses %j', (text, why) => {
    expect(() => parseCidr(text)).toThrow(CidrError);
    expect(() => parseCidr(text)).toThrow(why);
  });

  it('reads comma lists, skipping blanks, and writes them back', () => {
    expect(parseCidrList(' 10.0.0.0/8, ,192.0.2.7,2001:db8::/32,').map(formatCidr)).toEqual(['10.0.0.0/8', '192.0.2.7', '2001:db8::/32']);
    expect(parseCidrList('')).toEqual([]);
    expect(() => parseCidrList('10.0.0.0/8,nope')).toThrow(/"nope" is not an IP address/);
  });
});

describe('IpList', () => {
  const list = new IpList(parseCidrList('10.0.0.0/8,192.0.2.7,2001:db8::/32'));

  it.each([
    ['10.1.2.3', true],
    ['11.0.0.1', false],
    ['192.0.2.7', true],
    ['192.0.2.8', false],
    ['2001:db8:1::5', true],
    ['2001:db9::1', false],
  ])('%s in the list: %s', (ip, inside) => {
    expect(list.has(normalizeIp(ip))).toBe(inside);
  });

  it('matches an IPv4-mapped address as its IPv4 address, and never an unknown one', () => {
    expect(list.has(normalizeIp('::ffff:10.9.9.9'))).toBe(true);
    expect(list.has(null)).toBe(false);
    expect(list.has('not an ip')).toBe(false);
  });
});

describe('clientIp', () => {
  const trusted = new IpList(parseCidrList('127.0.0.1,10.0.0.0/8'));

  it('is the socket address without trusted proxies, whatever X-Forwarded-For says', () => {
    expect(clientIp('203.0.113.5', '198.51.100.1', null)).toBe('203.0.113.5');
    expect(clientIp('::ffff:203.0.113.5', null, null)).toBe('203.0.113.5');
    expect(clientIp(undefined, '198.51.100.1', null)).toBeNull();
  });

  it('ignores X-Forwarded-For from a socket that is not a trusted proxy', () => {
    expect(clientIp('203.0.113.5', '198.51.100.1', trusted)).toBe('203.0.113.5');
  });

  it('walks X-Forwarded-For from the right, skipping trusted hops; what the client wrote on the left is never read', () => {
    expect(clientIp('127.0.0.1', '198.51.100.1', trusted)).toBe('198.51.100.1');
    expect(clientIp('::ffff:127.0.0.1', 'spoofed, 198.51.100.1, 10.0.0.7', trusted)).toBe('198.51.100.1');
    expect(clientIp('127.0.0.1', '1.1.1.1, 198.51.100.1:4711, 10.1.1.1', trusted)).toBe('198.51.100.1');
    expect(clientIp('127.0.0.1', '[2001:db8::5]:443', trusted)).toBe('2001:db8::5');
    expect(clientIp('127.0.0.1', '198.51.100.1,,', trusted)).toBe('198.51.100.1');
  });

  it('is the leftmost hop when every hop is trusted, the proxy without a header, unknown past a hop that is no address', () => {
    expect(clientIp('127.0.0.1', '10.0.0.2, 10.0.0.3', trusted)).toBe('10.0.0.2');
    expect(clientIp('127.0.0.1', null, trusted)).toBe('127.0.0.1');
    expect(clientIp('127.0.0.1', 'unknown', trusted)).toBeNull();
    expect(clientIp('127.0.0.1', '198.51.100.1, _hidden', trusted)).toBeNull();
  });

  it('strips a port only from a whole hop: anything around an address with a port makes it unknown', () => {
    for (const hop of ['x[2001:db8::5]', '[2001:db8::5]:443x', '[2001:db8::5]:', 'x198.51.100.1:80', '198.51.100.1:80x', '198.51.100.1:', '198.51.100:80']) {
      expect(clientIp('127.0.0.1', hop, trusted), hop).toBeNull();
    }
    expect(clientIp('127.0.0.1', '[2001:db8::5]', trusted)).toBe('2001:db8::5');
    expect(clientIp('127.0.0.1', '[::ffff:198.51.100.1]:8080', trusted)).toBe('198.51.100.1');
  });
});

describe('boundaries (each limit at exactly its value and one past)', () => {
  it('takes a bracketed address only with both brackets', () => {
    expect(normalizeIp('[::1]')).toBe('::1');
    expect(normalizeIp('[::1')).toBeNull();
    expect(normalizeIp('::1]')).toBeNull();
    expect(normalizeIp('1::1]')).toBeNull();
    expect(normalizeIp('[::1:')).toBeNull();
  });

  it('takes the widest prefix of each family, refuses one past it, and at most three digits', () => {
    expect(parseCidr('10.0.0.1/32')).toEqual({ address: '10.0.0.1', prefix: 32, family: 4 });
    expect(parseCidr(' 10.0.0.0/8 ')).toEqual({ address: '10.0.0.0', prefix: 8, family: 4 });
    expect(parseCidr('::1/128')).toEqual({ address: '::1', prefix: 128, family: 6 });
    expect(() => parseCidr('10.0.0.0/0032')).toThrow(/prefix must be 0–32/);
    expect(() => parseCidr('10.0.0.0/a8')).toThrow(/prefix must be 0–32/);
    expect(() => parseCidr('10.0.0.0/8a')).toThrow(/prefix must be 0–32/);
  });

  it('reads an IPv4-mapped range from /96 (all of IPv4) as IPv4, a wider one as IPv6', () => {
    expect(parseCidr('::ffff:10.0.0.0/96')).toEqual({ address: '10.0.0.0', prefix: 0, family: 4 });
    expect(parseCidr('::ffff:0.0.0.0/95')).toEqual({ address: '::ffff:0.0.0.0', prefix: 95, family: 6 });
  });

  it('writes a single address without its prefix in either family, a range with it', () => {
    expect(formatCidr({ address: '::1', prefix: 128, family: 6 })).toBe('::1');
    expect(formatCidr({ address: '2001:db8::', prefix: 32, family: 6 })).toBe('2001:db8::/32');
    expect(formatCidr({ address: '10.0.0.1', prefix: 32, family: 4 })).toBe('10.0.0.1');
    expect(formatCidr({ address: '10.0.0.0', prefix: 31, family: 4 })).toBe('10.0.0.0/31');
  });
});
