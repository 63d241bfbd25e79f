/**
 * The guard settings of an app on the command line: `yesgraph app set`'s options read into an
 * AppSettingsChange (each mistake a UsageError naming the option), and the settings shown by
 * `app show` and `app set`, one line each, only those that are set.
 */
import { CidrError, formatCidr, parseCidrList } from '../guards/ip.js';
import type { Service } from '../legacy/service.js';
import type { App, AppSettings, AppSettingsChange } from '../records/apps.js';
import { UsageError, type OptionSpec } from './command.js';

/** Words that clear a setting (an empty value does too). */
const NONE = new Set(['', 'none', 'off', 'never']);
const PERIODS: Record<string, number> = { s: 1, sec: 1, second: 1, min: 60, m: 60, minute: 60, h: 3600, hour: 3600 };
const PERIOD_NAMES: Record<number, string> = { 1: 's', 60: 'min', 3600: 'h' };
const MAX_QUOTA = 1e12;
const MAX_RATE = 1e6;
const MAX_COST = 1e6;
const MAX_REPLAY_WINDOW = 86_400;

const cleared = (value: string) => NONE.has(value.trim().toLowerCase());

export const SETTINGS_OPTIONS = {
  'ip-deny': { type: 'string', value: 'CIDR,…', description: 'refuse callers from these IPv4/IPv6 addresses or ranges (402); replaces the list, "none" clears it' },
  'ip-allow': { type: 'string', value: 'CIDR,…', description: 'serve only callers from these addresses or ranges (403 for the others); replaces the list, "none" clears it' },
  expires: { type: 'string', value: 'DATE', description: 'expire the app (407) from YYYY-MM-DD[ HH:MM[:SS]] UTC (a bare date: its first second); "never" clears it' },
  disable: { type: 'boolean', description: 'refuse every call of the app (408)' },
  enable: { type: 'boolean', description: 'serve the app again' },
  quota: { type: 'string', value: 'N', description: 'calls a calendar month (UTC) may cost in all, in cost units (413 past it); "none" clears it' },
  rate: { type: 'string', value: 'N/s', description: 'request rate, N/s, N/min or N/h: a bucket of N calls refilled at that pace (414 when empty); "none" clears it' },
  'service-off': { type: 'string', value: 'App.X.Y,…', description: 'switch these services off for the app (415)' },
  'service-on': { type: 'string', value: 'App.X.Y,…', description: 'switch these services back on' },
  cost: { type: 'string', value: 'App.X.Y=N,…', description: 'what a call of a service costs of the quota (default 1; 0 is free)' },
  'replay-window': { type: 'string', value: 'SECONDS', description: 'require a signed _time within ±SECONDS and accept each signature once (409); "off" clears it' },
} as const satisfies Record<string, OptionSpec>;

export type SettingsValues = { readonly [K in keyof typeof SETTINGS_OPTIONS]?: (typeof SETTINGS_OPTIONS)[K] extends { type: 'boolean' } ? boolean : string };

function integer(option: string, value: string, min: number, max: number): number {
  const t = value.trim();
  if (!/^\d{1,13}$/.test(t) || Number(t) < min || Number(t) > max) throw new UsageError(`--${option} must be an integer from ${min} to ${max}, not ${JSON.stringify(value)}`);
  return Number(t);
}

function ranges(option: string, value: string): string[] {
  if (cleared(value)) return [];
  try {
    return parseCidrList(value).map(formatCidr);
  } catch (err) {
    if (err instanceof CidrError) throw new UsageError(`--${option}: ${err.message}`);
    throw err;
  }
}

function expiry(value: string): string | null {
  if (cleared(value)) return null;
  const m = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2})(:\d{2})?)?Z?$/.exec(value.trim());
  const text = m ? `${m[1]}T${m[2] ?? '00:00'}${m[3] ?? ':00'}Z` : '';
  const at = Date.parse(text);
  if (!m || Number.isNaN(at) || new Date(at).toISOString().slice(0, 19) !== text.slice(0, 19)) {
    throw new UsageError(`--expires must be YYYY-MM-DD or YYYY-MM-DD HH:MM[:SS] (UTC), or never, not ${JSON.stringify(value)}`);
  }
  return text.slice(0, 19).replace('T', ' ');
}

function rate(value: string): AppSettings['rate'] {
  if (cleared(value)) return null;
  const m = /^\s*(\d+)\s*\/\s*([a-z]+)\s*$/i.exec(value);
  const seconds = m ? PERIODS[m[2]!.toLowerCase()] : undefined;
  if (!m || seconds === undefined) throw new UsageError(`--rate must be N/s, N/min or N/h, not ${JSON.stringify(value)}`);
  return { limit: integer('rate', m[1]!, 1, MAX_RATE), seconds };
}

type FindService = (name: string) => Service | undefined;

/** Service names as registered; an unknown one is a usage error. */
function services(findService: FindService, option: string, value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((name) => {
      const service = findService(name);
      if (!service) throw new UsageError(`--${option}: no service ${name}`);
      return service.name;
    });
}

function costs(findService: FindService, current: AppSettings['costs'], value: string): Record<string, number> {
  const next: Record<string, number> = { ...current };
  for (const entry of value.split(',').map((s) => s.trim()).filter(Boolean)) {
    const eq = entry.lastIndexOf('=');
    if (eq < 0) throw new UsageError(`--cost takes App.X.Y=N entries, not ${JSON.stringify(entry)}`);
    const [service] = services(findService, 'cost', entry.slice(0, eq));
    const n = integer('cost', entry.slice(eq + 1), 0, MAX_COST);
    if (n === 1) delete next[service!];
    else next[service!] = n;
  }
  return next;
}

/** What `app set`'s options change of `app` (nothing for an option not given). */
export async function settingsChange(app: App, values: SettingsValues): Promise<AppSettingsChange> {
  // The service registry loads every operation: only when a command needs it, not for --help.
  const { findService } = await import('../legacy/services/index.js');
  if (values.disable && values.enable) throw new UsageError('--disable and --enable exclude each other');
  const change: AppSettingsChange = {};
  if (values.disable) change.status = 'disabled';
  if (values.enable) change.status = 'active';
  if (values.expires !== undefined) change.expiresAt = expiry(values.expires);
  if (values['ip-deny'] !== undefined) change.ipDeny = ranges('ip-deny', values['ip-deny']);
  if (values['ip-allow'] !== undefined) change.ipAllow = ranges('ip-allow', values['ip-allow']);
  if (values.quota !== undefined) change.quota = cleared(values.quota) ? null : integer('quota', values.quota, 0, MAX_QUOTA);
  if (values.rate !== undefined) change.rate = rate(values.rate);
  if (values['service-off'] !== undefined || values['service-on'] !== undefined) {
    const off = new Set(app.settings.servicesOff);
    for (const s of services(findService, 'service-off', values['service-off'] ?? '')) off.add(s);
    for (const s of services(findService, 'service-on', values['service-on'] ?? '')) off.delete(s);
    change.servicesOff = [...off];
  }
  if (values.cost !== undefined) change.costs = costs(findService, app.settings.costs, values.cost);
  if (values['replay-window'] !== undefined) {
    const w = values['replay-window'];
    change.replayWindow = cleared(w) || w.trim() === '0' ? null : integer('replay-window', w, 1, MAX_REPLAY_WINDOW);
  }
  if (Object.keys(change).length === 0) throw new UsageError('nothing to set: give at least one option');
  return change;
}

/** The app's guard settings that are set, as `app show` prints them. */
export function settingsSummary(app: App): Record<string, string | number> {
  const s = app.settings;
  const out: Record<string, string | number> = {};
  if (app.expiresAt) out.expires = `${app.expiresAt} UTC`;
  if (s.ipDeny.length) out.ip_deny = s.ipDeny.join(',');
  if (s.ipAllow.length) out.ip_allow = s.ipAllow.join(',');
  if (s.quota !== null) out.quota = s.quota;
  if (s.rate) out.rate = `${s.rate.limit}/${PERIOD_NAMES[s.rate.seconds] ?? `${s.rate.seconds}s`}`;
  if (s.servicesOff.length) out.services_off = s.servicesOff.join(',');
  const costs = Object.entries(s.costs);
  if (costs.length) out.costs = costs.map(([k, v]) => `${k}=${v}`).join(',');
  if (s.replayWindow !== null) out.replay_window = s.replayWindow;
  return out;
}

/** What `app set` tells the operator about running servers (the app guard's cache bound). */
export async function settingsDelayNote(): Promise<string> {
  const { CACHE_MS } = await import('../guards/app.js');
  return `running servers apply it within ${CACHE_MS / 1000} seconds`;
}
