/**
 * The app guard: `app_key` present (400), 32 characters at least (400), known (406), not
 * disabled (408), not expired (407). Apps are cached for a few seconds per key.
 */
import { badRequest, ProtocolError } from '../errors.js';
import type { App, AppRecords } from '../records/apps.js';

const CACHE_MS = 5_000;
const MAX_CACHED = 10_000;

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

  async check(appKey: string | undefined | null, now = new Date()): Promise<App> {
    if (appKey === undefined || appKey === null || appKey === '') throw badRequest('缺少必要参数app_key');
    const len = [...appKey].length;
    if (len < 32) throw badRequest(`app_key.len应该大于或等于32, 但现在app_key.len = ${len}`);
    if (len > 64) throw badRequest(`app_key.len应该小于或等于64, 但现在app_key.len = ${len}`);
    const app = await this.lookup(appKey);
    if (!app) throw new ProtocolError(406, '客户端非法请求：非法app_key');
    if (app.status === 'disabled') throw new ProtocolError(408, '客户端非法请求：当前应用存在异常，已被封号');
    if (app.expiresAt && Date.parse(app.expiresAt.replace(' ', 'T') + 'Z') <= now.getTime()) {
      throw new ProtocolError(407, '客户端非法请求：当前应用已过期');
    }
    return app;
  }
}
