/**
 * Apps: who may call yesgraph, with which secret and signature mode. Stored in the main store
 * (`yg_app`) with the app secret and static sign sealed under YESGRAPH_SECRET_KEY, so a copy of
 * the main store hands out no signing keys. Guards, operations and the CLI all read apps here.
 */
import { randomHex, type SecretBox } from '../crypto.js';
import { ident, join, sql, type Sql } from '../db/sql.js';
import type { Store } from '../db/store.js';

export type SignMode = 'dynamic' | 'static' | 'off';
export const SIGN_MODES: readonly SignMode[] = ['dynamic', 'static', 'off'];

export interface App {
  readonly id: number;
  readonly appKey: string;
  readonly appSecret: string;
  readonly name: string;
  readonly signMode: SignMode;
  /** The fixed signature of static mode. */
  readonly staticSign: string | null;
  /** Whether answers carry `_auth`. */
  readonly authEnabled: boolean;
  readonly status: 'active' | 'disabled';
  /** 'YYYY-MM-DD HH:MM:SS' (UTC) after which the app is expired, or null. */
  readonly expiresAt: string | null;
  readonly isDemo: boolean;
  /** What the guards hold the app's callers to (`yesgraph app set`). */
  readonly settings: AppSettings;
}

/**
 * An app's guard settings, as stored (src/guards reads them; `yesgraph app set` writes them).
 * Empty lists and nulls mean "not set".
 */
export interface AppSettings {
  /** CIDR ranges whose callers are refused (402). */
  readonly ipDeny: readonly string[];
  /** When not empty, only callers in these ranges are served (403). */
  readonly ipAllow: readonly string[];
  /** Calls a calendar month (UTC) may cost in all, in cost units; null: unlimited. */
  readonly quota: number | null;
  /** `limit` calls per `seconds` (a token bucket of `limit` tokens); null: unlimited. */
  readonly rate: { readonly limit: number; readonly seconds: number } | null;
  /** Services switched off (415), spelled as registered. */
  readonly servicesOff: readonly string[];
  /** A call's cost in quota units, by service; 1 for a service not listed. */
  readonly costs: Readonly<Record<string, number>>;
  /** Seconds a signed `_time` may differ from the server's clock; null: no replay window. */
  readonly replayWindow: number | null;
}

export const NO_SETTINGS: AppSettings = { ipDeny: [], ipAllow: [], quota: null, rate: null, servicesOff: [], costs: {}, replayWindow: null };

interface AppRow {
  id: number;
  app_key: string;
  app_secret: string;
  name: string;
  sign_mode: string;
  static_sign: string | null;
  auth_enabled: number;
  status: string;
  expires_at: string | null;
  is_demo: number;
  ip_deny: string | null;
  ip_allow: string | null;
  quota: number | string | null;
  rate_limit: number | null;
  rate_seconds: number | null;
  services_off: string | null;
  service_costs: string | null;
  replay_window: number | null;
}

const COLUMNS = sql`id, app_key, app_secret, name, sign_mode, static_sign, auth_enabled, status, expires_at, is_demo,
ip_deny, ip_allow, quota, rate_limit, rate_seconds, services_off, service_costs, replay_window`;

const list = (text: string | null): string[] => (text ? text.split(',').filter(Boolean) : []);
const number = (value: number | string | null): number | null => (value === null ? null : Number(value));

function settingsOf(r: AppRow): AppSettings {
  const limit = number(r.rate_limit);
  const seconds = number(r.rate_seconds);
  return {
    ipDeny: list(r.ip_deny),
    ipAllow: list(r.ip_allow),
    quota: number(r.quota),
    rate: limit !== null && seconds !== null ? { limit, seconds } : null,
    servicesOff: list(r.services_off),
    costs: r.service_costs ? (JSON.parse(r.service_costs) as Record<string, number>) : {},
    replayWindow: number(r.replay_window),
  };
}

/** An app_key as the platform issues them, and as `app import` accepts them. */
export const APP_KEY = /^[A-Za-z0-9]{32}$/;
/** An app secret `app import` accepts: printable ASCII, no spaces. */
export const APP_SECRET = /^[\x21-\x7e]{8,128}$/;

export class AppKeyTakenError extends Error {
  constructor(appKey: string) {
    super(`an app with app_key ${appKey} exists already`);
  }
}

export interface NewApp {
  name?: string;
  signMode?: SignMode;
  isDemo?: boolean;
}

/** An app brought over from the platform, keeping its keys so deployed clients keep working. */
export interface ImportedApp extends NewApp {
  appKey: string;
  appSecret: string;
  /** Static mode's fixed sign, when the app used one. */
  staticSign?: string;
}

export interface AppChange {
  status?: App['status'];
  expiresAt?: string | null;
  signMode?: SignMode;
}

/** What `yesgraph app set` changes: any of the settings, with status and expiry. */
export type AppSettingsChange = { -readonly [K in keyof AppSettings]?: AppSettings[K] } & Pick<AppChange, 'status' | 'expiresAt'>;

export class AppRecords {
  constructor(
    private readonly main: Store,
    private readonly box: SecretBox,
  ) {}

  private toApp(r: AppRow): App {
    return {
      id: Number(r.id),
      appKey: r.app_key,
      appSecret: this.box.open(r.app_secret),
      name: r.name,
      signMode: (SIGN_MODES as string[]).includes(r.sign_mode) ? (r.sign_mode as SignMode) : 'dynamic',
      staticSign: r.static_sign === null ? null : this.box.open(r.static_sign),
      authEnabled: Number(r.auth_enabled) === 1,
      status: r.status === 'disabled' ? 'disabled' : 'active',
      expiresAt: r.expires_at,
      isDemo: Number(r.is_demo) === 1,
      settings: settingsOf(r),
    };
  }

  /** A new app with fresh keys. */
  create(input: NewApp = {}): Promise<App> {
    const signMode = input.signMode ?? 'dynamic';
    return this.insert({
      ...input,
      signMode,
      appKey: randomHex(16).toUpperCase(),
      appSecret: randomHex(24),
      staticSign: signMode === 'static' ? randomHex(16).toUpperCase() : undefined,
    });
  }

  /** An app with the keys it had elsewhere. */
  async import(input: ImportedApp): Promise<App> {
    if (!APP_KEY.test(input.appKey)) throw new Error('app_key must be 32 letters or digits');
    if (!APP_SECRET.test(input.appSecret)) throw new Error('app_secret must be 8–128 printable ASCII characters without spaces');
    if ((input.signMode ?? 'dynamic') === 'static' && !input.staticSign) throw new Error('a static-sign app needs its static sign');
    return this.insert(input);
  }

  private async insert(input: ImportedApp): Promise<App> {
    const staticSign = input.signMode === 'static' && input.staticSign ? this.box.seal(input.staticSign) : null;
    try {
      await this.main.execute(sql`INSERT INTO yg_app (app_key, app_secret, name, sign_mode, static_sign, is_demo)
VALUES (${input.appKey}, ${this.box.seal(input.appSecret)}, ${input.name ?? ''}, ${input.signMode ?? 'dynamic'}, ${staticSign}, ${input.isDemo ? 1 : 0})`);
    } catch (err) {
      if (this.main.dialect.isDuplicateKey(err)) throw new AppKeyTakenError(input.appKey);
      throw err;
    }
    const app = await this.findByKey(input.appKey);
    if (!app) throw new Error('app vanished after insert');
    return app;
  }

  async findByKey(appKey: string): Promise<App | null> {
    const [row] = await this.main.query<AppRow>(sql`SELECT ${COLUMNS} FROM yg_app WHERE app_key = ${appKey}`);
    return row ? this.toApp(row) : null;
  }

  async list(): Promise<App[]> {
    return (await this.main.query<AppRow>(sql`SELECT ${COLUMNS} FROM yg_app ORDER BY id`)).map((r) => this.toApp(r));
  }

  async update(appId: number, change: AppChange): Promise<void> {
    if (change.status) await this.main.execute(sql`UPDATE yg_app SET status = ${change.status} WHERE id = ${appId}`);
    if (change.expiresAt !== undefined) await this.main.execute(sql`UPDATE yg_app SET expires_at = ${change.expiresAt} WHERE id = ${appId}`);
    if (change.signMode) await this.main.execute(sql`UPDATE yg_app SET sign_mode = ${change.signMode} WHERE id = ${appId}`);
  }

  /** Writes the settings given (the others stay), with status and expiry, in one statement. */
  async updateSettings(appId: number, change: AppSettingsChange): Promise<void> {
    const sets: Sql[] = [];
    const set = (column: string, value: unknown) => sets.push(sql`${ident(column)} = ${value}`);
    if (change.status !== undefined) set('status', change.status);
    if (change.expiresAt !== undefined) set('expires_at', change.expiresAt);
    if (change.ipDeny !== undefined) set('ip_deny', change.ipDeny.length ? change.ipDeny.join(',') : null);
    if (change.ipAllow !== undefined) set('ip_allow', change.ipAllow.length ? change.ipAllow.join(',') : null);
    if (change.quota !== undefined) set('quota', change.quota);
    if (change.rate !== undefined) {
      set('rate_limit', change.rate?.limit ?? null);
      set('rate_seconds', change.rate?.seconds ?? null);
    }
    if (change.servicesOff !== undefined) set('services_off', change.servicesOff.length ? change.servicesOff.join(',') : null);
    if (change.costs !== undefined) set('service_costs', Object.keys(change.costs).length ? JSON.stringify(change.costs) : null);
    if (change.replayWindow !== undefined) set('replay_window', change.replayWindow);
    if (sets.length) await this.main.execute(sql`UPDATE yg_app SET ${join(sets)} WHERE id = ${appId}`);
  }

  /** A new secret for the app; the old one stops working. Answers the new secret. */
  async rotateSecret(appId: number): Promise<string> {
    const secret = randomHex(24);
    await this.main.execute(sql`UPDATE yg_app SET app_secret = ${this.box.seal(secret)} WHERE id = ${appId}`);
    return secret;
  }

  /** Removes the app and, through the foreign keys, its members, sessions and databases. */
  async remove(appId: number): Promise<boolean> {
    return (await this.main.execute(sql`DELETE FROM yg_app WHERE id = ${appId}`)).affectedRows > 0;
  }

  /**
   * Seals secrets written in plain text by versions before sealing, and proves the key opens
   * what the store holds: a store sealed under another YESGRAPH_SECRET_KEY throws here, at
   * start-up, rather than failing every call later.
   */
  async sealPlainSecrets(): Promise<number> {
    const rows = await this.main.query<{ id: number; app_secret: string; static_sign: string | null }>(
      sql`SELECT id, app_secret, static_sign FROM yg_app`,
    );
    let sealed = 0;
    for (const r of rows) {
      const secret = this.box.isSealed(r.app_secret) ? null : r.app_secret;
      const staticSign = r.static_sign !== null && !this.box.isSealed(r.static_sign) ? r.static_sign : null;
      if (secret === null && staticSign === null) {
        this.box.open(r.app_secret);
        continue;
      }
      if (secret !== null) await this.main.execute(sql`UPDATE yg_app SET app_secret = ${this.box.seal(secret)} WHERE id = ${r.id}`);
      if (staticSign !== null) await this.main.execute(sql`UPDATE yg_app SET static_sign = ${this.box.seal(staticSign)} WHERE id = ${r.id}`);
      sealed++;
    }
    return sealed;
  }
}
