/**
 * The app guard: `app_key` present and exactly 32 characters (400, the platform's words, before
 * any lookup); then, with the app and its settings read in one statement and cached: the
 * caller's IP against the deny list (402) and the allow list (403), the app known (406), not
 * disabled (408), not expired (407).
 *
 * The cache holds each key for CACHE_MS, unknown keys included, so a repeated call from a
 * blocked IP or with an unknown key costs no database work. A change made with `yesgraph app
 * set` (or on another instance) is therefore seen within CACHE_MS.
 */
import { refuse } from '../errors.js';
import { readParam, text } from '../operations/input.js';
import type { App, AppRecords } from '../records/apps.js';
import { IpList, parseCidrList } from './ip.js';

/** How long a looked-up app (or the absence of one) is trusted: the bound on seeing a change. */
export const CACHE_MS = 5_000;
/** Keys held at most; past it, the oldest tenth is dropped (a flood of unknown keys evicts only itself and the oldest). */
const MAX_CACHED = 10_000;

/** An app_key as the platform issues them: 32 characters. */
export const APP_KEY = text({ min: 32, max: 32 });

/** The app_key a caller sent, refused by the parameter rules only (an empty one is `.len = 0`). */
export function appKeyOf(raw: string | undefined | null): string {
  return readParam(APP_KEY, raw ?? undefined, 'app_key');
}

/** An app with its settings compiled for the guards. */
export interface GuardedApp {
  readonly app: App;
  readonly deny: IpList | null;
  readonly allow: IpList | null;
  /** Lower-case names of the services switched off (service names match in any case). */
  readonly servicesOff: ReadonlySet<string>;
}

function compile(app: App): GuardedApp {
  const { ipDeny, ipAllow, servicesOff } = app.settings;
  return {
    app,
    deny: ipDeny.length ? new IpList(parseCidrList(ipDeny.join(','))) : null,
    allow: ipAllow.length ? new IpList(parseCidrList(ipAllow.join(','))) : null,
    servicesOff: new Set(servicesOff.map((s) => s.toLowerCase())),
  };
}

/** Whether an app's expiry ('YYYY-MM-DD HH:MM:SS', UTC) has come. */
export function isExpired(app: App, now: number): boolean {
  return app.expiresAt !== null && Date.parse(app.expiresAt.replace(' ', 'T') + 'Z') <= now;
}

export class AppGuard {
  private readonly cache = new Map<string, { at: number; found: Promise<GuardedApp | null> }>();

  constructor(
    private readonly records: AppRecords,
    private readonly clock: () => number = Date.now,
  ) {}

  /** The app of a well-formed key, with its settings, from the cache when fresh. */
  find(appKey: string): Promise<GuardedApp | null> {
    const now = this.clock();
    const hit = this.cache.get(appKey);
    if (hit && now - hit.at < CACHE_MS) return hit.found;
    if (hit) this.cache.delete(appKey);
    else if (this.cache.size >= MAX_CACHED) {
      let drop = Math.ceil(MAX_CACHED / 10);
      for (const key of this.cache.keys()) {
        if (drop-- <= 0) break;
        this.cache.delete(key);
      }
    }
    const found = this.records.findByKey(appKey).then((app) => (app ? compile(app) : null));
    this.cache.set(appKey, { at: now, found });
    found.catch(() => {
      if (this.cache.get(appKey)?.found === found) this.cache.delete(appKey);
    });
    return found;
  }

  /** Forget cached apps (after an app changes). */
  forget(): void {
    this.cache.clear();
  }

  /**
   * IP lists, then known, disabled, expired. The lists are the app's, so an unknown key has
   * none: it is a 406 whatever the address.
   */
  async check(appKey: string, ip: string | null): Promise<GuardedApp> {
    const found = await this.find(appKey);
    if (found?.deny?.has(ip)) throw refuse('IP_DENIED');
    if (found?.allow && !found.allow.has(ip)) throw refuse('IP_NOT_ALLOWED');
    if (!found) throw refuse('APP_KEY_UNKNOWN');
    if (found.app.status === 'disabled') throw refuse('APP_DISABLED');
    if (isExpired(found.app, this.clock())) throw refuse('APP_EXPIRED');
    return found;
  }
}
