/**
 * The app guard: `app_key` present and exactly 32 characters (400, the platform's words, before
 * any lookup), known (406), not disabled (408), not expired (407). Apps are cached for a few
 * seconds per key.
 */
import { refuse } from '../errors.js';
import { readParam, text } from '../operations/input.js';
import type { App, AppRecords } from '../records/apps.js';

const CACHE_MS = 5_000;
const MAX_CACHED = 10_000;

/** An app_key as the platform issues them: 32 characters. */
export const APP_KEY = text({ min: 32, max: 32 });

/** The app_key a caller sent, refused by the parameter rules only (an empty one is `.len = 0`). */
export function appKeyOf(raw: string | undefined | null): string {
  return readParam(APP_KEY, raw ?? undefined, 'app_key');
}

export class AppGuard {
  private readonly cache = new Map<string, { at: number; app: Promise<App | null> }>();

  constructor(private readonly records: AppRecords) {}

  private lookup(appKey: string): Promise<App | null> {
    const hit = this.cache.get(appKey);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.app;
    if (this.cache.size >= MAX_CACHED) this.cache.clear();
    const app = this.records.findByKey(appKey);
    this.cache.set(appKey, { at: Date.now(), app });
    app.catch(() => this.cache.delete(appKey));
    return app;
  }

  /** Forget cached apps (after an app changes). */
  forget(): void {
    this.cache.clear();
  }

  async check(rawAppKey: string | undefined | null, now = new Date()): Promise<App> {
    const app = await this.lookup(appKeyOf(rawAppKey));
    if (!app) throw refuse('APP_KEY_UNKNOWN');
    if (app.status === 'disabled') throw refuse('APP_DISABLED');
    if (app.expiresAt && Date.parse(app.expiresAt.replace(' ', 'T') + 'Z') <= now.getTime()) throw refuse('APP_EXPIRED');
    return app;
  }
}
