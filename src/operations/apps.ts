/** Apps: who may call yesgraph, with which secret and signature mode. Stored in the main store. */
import { randomHex } from '../crypto.js';
import { sql } from '../db/sql.js';
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
}

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
}

const COLUMNS = sql`id, app_key, app_secret, name, sign_mode, static_sign, auth_enabled, status, expires_at, is_demo`;

function toApp(r: AppRow): App {
  return {
    id: Number(r.id),
    appKey: r.app_key,
    appSecret: r.app_secret,
    name: r.name,
    signMode: (SIGN_MODES as string[]).includes(r.sign_mode) ? (r.sign_mode as SignMode) : 'dynamic',
    staticSign: r.static_sign,
    authEnabled: Number(r.auth_enabled) === 1,
    status: r.status === 'disabled' ? 'disabled' : 'active',
    expiresAt: r.expires_at,
    isDemo: Number(r.is_demo) === 1,
  };
}

export interface NewApp {
  name?: string;
  signMode?: SignMode;
  isDemo?: boolean;
}

export async function createApp(main: Store, input: NewApp = {}): Promise<App> {
  const signMode = input.signMode ?? 'dynamic';
  const appKey = randomHex(16).toUpperCase();
  const appSecret = randomHex(24);
  const staticSign = signMode === 'static' ? randomHex(16).toUpperCase() : null;
  await main.execute(sql`INSERT INTO yg_app (app_key, app_secret, name, sign_mode, static_sign, is_demo)
VALUES (${appKey}, ${appSecret}, ${input.name ?? ''}, ${signMode}, ${staticSign}, ${input.isDemo ? 1 : 0})`);
  const app = await findAppByKey(main, appKey);
  if (!app) throw new Error('app vanished after insert');
  return app;
}

export async function findAppByKey(main: Store, appKey: string): Promise<App | null> {
  const [row] = await main.query<AppRow>(sql`SELECT ${COLUMNS} FROM yg_app WHERE app_key = ${appKey}`);
  return row ? toApp(row) : null;
}

export async function listApps(main: Store): Promise<App[]> {
  return (await main.query<AppRow>(sql`SELECT ${COLUMNS} FROM yg_app ORDER BY id`)).map(toApp);
}

export async function updateApp(
  main: Store,
  appId: number,
  change: { status?: App['status']; expiresAt?: string | null; signMode?: SignMode },
): Promise<void> {
  if (change.status) await main.execute(sql`UPDATE yg_app SET status = ${change.status} WHERE id = ${appId}`);
  if (change.expiresAt !== undefined) await main.execute(sql`UPDATE yg_app SET expires_at = ${change.expiresAt} WHERE id = ${appId}`);
  if (change.signMode) await main.execute(sql`UPDATE yg_app SET sign_mode = ${change.signMode} WHERE id = ${appId}`);
}
