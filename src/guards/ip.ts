/**
 * Caller addresses: IP lists of CIDR ranges (IPv4 and IPv6, on node:net's BlockList), addresses
 * normalised so that an IPv4-mapped IPv6 address (`::ffff:10.0.0.1`, what a dual-stack socket
 * reports) is the IPv4 address it carries, and the client address of a request: the socket's,
 * or, only when the socket is a trusted proxy, the rightmost X-Forwarded-For hop that is not one.
 */
import { BlockList, isIP } from 'node:net';

/** A range as written by the operator and stored: `10.0.0.0/8`, `2001:db8::/32`, `192.0.2.7`. */
export interface Cidr {
  readonly address: string;
  readonly prefix: number;
  readonly family: 4 | 6;
}

export class CidrError extends Error {}

/** The 16 bytes of an IPv6 address (valid per `isIP`), for the IPv4-mapped test. */
function ipv6Bytes(address: string): number[] {
  let text = address;
  const tail: number[] = [];
  // Stryker disable next-line Regex: in an address isIP accepted, a dotted quad can only come last
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    tail.push(...dotted[1]!.split('.').map(Number));
    // Stryker disable next-line MethodExpression: 'a.b.c.d0:0' is two groups as '0:0' is, and splice() below overwrites them
    text = text.slice(0, -dotted[1]!.length) + '0:0';
  }
  const [head, rest] = text.split('::') as [string, string | undefined];
  // Stryker disable next-line ArrayDeclaration: any one group for an empty side parses as 0 (NaN >> 8 is 0) and the fill below shrinks by one
  const groups = (s: string) => (s ? s.split(':') : []);
  const left = groups(head);
  // Stryker disable next-line ConditionalExpression,ArrayDeclaration: groups(undefined) is [], and without '::' `right` is not read
  const right = rest === undefined ? [] : groups(rest);
  // Stryker disable next-line ConditionalExpression,StringLiteral: without '::' the fill is empty; a '' group parses as 0
  const all = rest === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  const bytes = all.flatMap((g) => {
    const n = parseInt(g, 16);
    return [n >> 8, n & 0xff];
  });
  if (tail.length) bytes.splice(12, 4, ...tail);
  return bytes;
}

/** The IPv4 address an IPv4-mapped IPv6 address carries (`::ffff:a.b.c.d` in any spelling), or null. */
function mappedIpv4(address: string): string | null {
  const b = ipv6Bytes(address);
  if (b.slice(0, 10).some((x) => x !== 0) || b[10] !== 0xff || b[11] !== 0xff) return null;
  return b.slice(12).join('.');
}

/**
 * An address as the guards compare it, or null when `text` is not an IP address: brackets and
 * an IPv6 zone (`%eth0`) dropped, IPv4-mapped IPv6 as IPv4, IPv6 in lower case.
 */
export function normalizeIp(text: string): string | null {
  let a = text.trim();
  if (a.startsWith('[') && a.endsWith(']')) a = a.slice(1, -1);
  const zone = a.indexOf('%');
  // Stryker disable next-line EqualityOperator: a zone at 0 leaves no address either way
  if (zone >= 0) a = a.slice(0, zone);
  const family = isIP(a);
  if (family === 4) return a;
  if (family !== 6) return null;
  return mappedIpv4(a) ?? a.toLowerCase();
}

/**
 * One range: an address, optionally `/prefix` (a bare address is the one address). An IPv4-mapped
 * IPv6 range of /96 or narrower is the IPv4 range it covers.
 */
export function parseCidr(text: string): Cidr {
  const entry = text.trim();
  const slash = entry.indexOf('/');
  // Stryker disable next-line EqualityOperator: an entry starting with '/' has no address either way
  const rawAddress = slash < 0 ? entry : entry.slice(0, slash);
  // Stryker disable next-line EqualityOperator: as above
  const rawPrefix = slash < 0 ? null : entry.slice(slash + 1);
  // Stryker disable next-line StringLiteral: any text that is no address is refused the same way
  const zoneless = rawAddress.includes('%') ? '' : rawAddress;
  const family = isIP(zoneless);
  if (family === 0) throw new CidrError(`${JSON.stringify(entry)} is not an IP address or CIDR range`);
  const max = family === 4 ? 32 : 128;
  if (rawPrefix !== null && !/^\d{1,3}$/.test(rawPrefix)) throw new CidrError(`${JSON.stringify(entry)}: the prefix must be 0–${max}`);
  const prefix = rawPrefix === null ? max : Number(rawPrefix);
  if (prefix > max) throw new CidrError(`${JSON.stringify(entry)}: the prefix must be 0–${max}`);
  if (family === 6) {
    const v4 = mappedIpv4(zoneless);
    if (v4 && prefix >= 96) return { address: v4, prefix: prefix - 96, family: 4 };
    return { address: zoneless.toLowerCase(), prefix, family: 6 };
  }
  return { address: zoneless, prefix, family: 4 };
}

/** A comma-separated list of ranges (blanks ignored); throws CidrError naming the first bad entry. */
export function parseCidrList(text: string): Cidr[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(parseCidr);
}

/** The text form of a range: `a.b.c.d` for one IPv4 address, `a.b.c.d/n` otherwise. */
export function formatCidr(c: Cidr): string {
  return c.prefix === (c.family === 4 ? 32 : 128) ? c.address : `${c.address}/${c.prefix}`;
}

/** A set of ranges, matched against addresses. */
export class IpList {
  private readonly list = new BlockList();
  readonly ranges: readonly Cidr[];

  constructor(ranges: readonly Cidr[]) {
    this.ranges = ranges;
    for (const r of ranges) this.list.addSubnet(r.address, r.prefix, r.family === 4 ? 'ipv4' : 'ipv6');
  }

  /** Whether a normalised address (normalizeIp) is in a range; an unknown address (null) never is. */
  has(ip: string | null): boolean {
    // Stryker disable next-line ConditionalExpression: isIP(null) is 0 (a shortcut)
    if (ip === null) return false;
    const family = isIP(ip);
    // Stryker disable next-line ConditionalExpression: BlockList.check answers false for text that is no address (a shortcut)
    if (family === 0) return false;
    return this.list.check(ip, family === 4 ? 'ipv4' : 'ipv6');
  }
}

/** An X-Forwarded-For hop without the port some proxies append (`1.2.3.4:5678`, `[::1]:80`). */
function hopAddress(hop: string): string | null {
  // Stryker disable next-line Regex: a bracketed hop without a port falls to normalizeIp, which drops the brackets
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(hop);
  if (bracketed) return normalizeIp(bracketed[1]!);
  const v4port = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(hop);
  return normalizeIp(v4port ? v4port[1]! : hop);
}

/**
 * The client address of a request, or null when it cannot be told. The socket's address, unless
 * it is a trusted proxy: then X-Forwarded-For is walked from the right (each proxy appends the
 * address it was called from), skipping trusted hops, and the first untrusted hop is the client.
 * Hops left of it were written by the client itself and are never read. A hop that is not an
 * address makes the client unknown (null): no deny list matches it and every allow list refuses it.
 */
export function clientIp(remoteAddress: string | null | undefined, forwardedFor: string | null | undefined, trusted: IpList | null): string | null {
  let ip = remoteAddress ? normalizeIp(remoteAddress) : null;
  if (!trusted || !forwardedFor) return ip;
  const hops = forwardedFor.split(',');
  // Stryker disable next-line ConditionalExpression: trusted.has(null) is false (a shortcut)
  while (ip !== null && trusted.has(ip) && hops.length) {
    const hop = hops.pop()!.trim();
    if (hop) ip = hopAddress(hop);
  }
  return ip;
}
