/**
 * Which database servers an app may register through the API. A registration makes this
 * server open connections on the app's behalf, so by default an app may reach public addresses
 * only: loopback, private, link-local, carrier-grade NAT, multicast and reserved ranges are
 * refused unless the operator lists the target (YESGRAPH_DB_ALLOW). Host names are resolved
 * and every address they resolve to must pass, at registration and again when a pool opens
 * (so a name that later resolves elsewhere is caught).
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/** An operator allow-list entry: `host[:port][/database-glob]`. */
export interface AllowEntry {
  readonly host: string;
  readonly port: number | null;
  /** `*` matches any run of characters; null for any database. */
  readonly database: RegExp | null;
}

export interface TargetPolicy {
  readonly allow: readonly AllowEntry[];
  /** Whether public addresses are allowed without an entry (the platform's behaviour). */
  readonly allowPublic: boolean;
}

export const DEFAULT_TARGET_POLICY: TargetPolicy = { allow: [], allowPublic: true };

export interface Target {
  readonly host: string;
  readonly port: number;
  readonly database: string;
}

const NON_PUBLIC = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  NON_PUBLIC.addSubnet(net, bits, 'ipv4');
}
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const) {
  NON_PUBLIC.addSubnet(net, bits, 'ipv6');
}

/** The IPv4 address an IPv4-mapped or -compatible IPv6 address carries, else null. */
function embeddedIpv4(address: string): string | null {
  const groups = expandIpv6(address);
  if (!groups) return null;
  const head = groups.slice(0, 5).every((g) => g === 0);
  if (!head || (groups[5] !== 0xffff && groups[5] !== 0)) return null;
  if (groups[5] === 0 && groups[6] === 0) return null; // ::, ::1 and the like stay IPv6
  const [a, b] = [groups[6]!, groups[7]!];
  return `${a >> 8}.${a & 255}.${b >> 8}.${b & 255}`;
}

function expandIpv6(address: string): number[] | null {
  let text = address.toLowerCase();
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const p = v4[1]!.split('.').map(Number);
    text = text.slice(0, -v4[1]!.length) + `${((p[0]! << 8) | p[1]!).toString(16)}:${((p[2]! << 8) | p[3]!).toString(16)}`;
  }
  const [left, right] = text.split('::');
  const l = left ? left.split(':') : [];
  const r = right !== undefined && right !== '' ? right.split(':') : [];
  const missing = 8 - l.length - r.length;
  if (text.includes('::') ? missing < 0 : missing !== 0) return null;
  return [...l, ...Array<string>(text.includes('::') ? missing : 0).fill('0'), ...r].map((g) => parseInt(g, 16));
}

/** True for an address outside the public internet. */
export function isNonPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return NON_PUBLIC.check(address, 'ipv4');
  if (family !== 6) return true;
  const v4 = embeddedIpv4(address);
  if (v4) return NON_PUBLIC.check(v4, 'ipv4');
  return NON_PUBLIC.check(address, 'ipv6');
}

/** Parses YESGRAPH_DB_ALLOW: comma-separated `host[:port][/database-glob]`, IPv6 hosts in brackets. */
export function parseAllowList(text: string): AllowEntry[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const m = /^(\[[0-9A-Fa-f:.]+\]|[^:/[\]\s]+)(?::(\d{1,5}))?(?:\/(\S+))?$/.exec(entry);
      if (!m) throw new Error(`not host[:port][/database]: ${entry}`);
      const port = m[2] === undefined ? null : Number(m[2]);
      if (port !== null && (port < 1 || port > 65535)) throw new Error(`port out of range in ${entry}`);
      const glob = m[3];
      const database = glob === undefined || glob === '*' ? null : new RegExp(`^${glob.split('*').map(escapeRegExp).join('.*')}$`);
      return { host: m[1]!.replace(/^\[|\]$/g, '').toLowerCase(), port, database };
    });
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Why a target is refused; the message is for the operator's log, never for the caller. */
export class TargetRefusedError extends Error {}

/**
 * Resolves the target's host and throws TargetRefusedError unless every address is allowed:
 * listed by the operator (by name or by any address), or public when public targets are allowed.
 */
export async function checkTarget(policy: TargetPolicy, target: Target): Promise<void> {
  const host = target.host.replace(/^\[|\]$/g, '').toLowerCase();
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : (await lookup(host, { all: true, verbatim: true })).map((a) => a.address.toLowerCase());
  } catch (err) {
    throw new TargetRefusedError(`host ${host} does not resolve: ${(err as Error).message}`);
  }
  if (addresses.length === 0) throw new TargetRefusedError(`host ${host} does not resolve`);
  const entries = policy.allow.filter((e) => (e.port === null || e.port === target.port) && (e.database === null || e.database.test(target.database)));
  // A name the operator listed is trusted whatever it resolves to; otherwise every address
  // must be listed itself or public, so a name resolving to an allowed and a loopback address fails.
  if (entries.some((e) => e.host === host)) return;
  for (const address of addresses) {
    if (entries.some((e) => e.host === address)) continue;
    if (isNonPublicAddress(address)) throw new TargetRefusedError(`${host} resolves to ${address}, which is not public and not in YESGRAPH_DB_ALLOW`);
    if (!policy.allowPublic) throw new TargetRefusedError(`${host}:${target.port}/${target.database} is not in YESGRAPH_DB_ALLOW`);
  }
}
