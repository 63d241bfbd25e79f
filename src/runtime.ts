/**
 * Everything a running yesgraph holds: configuration, logger, the migrated main store, the
 * direct-connect registry and the guards. The server and the CLI both start from here.
 */
import type { Config } from './config.js';
import { SecretBox } from './crypto.js';
import { migrate } from './db/migrate.js';
import { openStore, redactUrl } from './db/open.js';
import { DatabaseRegistry } from './db/registry.js';
import type { Store } from './db/store.js';
import { AppGuard } from './guards/app.js';
import { MemberGuard } from './guards/member.js';
import type { Logger } from './logger.js';
import { AppRecords, type App } from './records/apps.js';
import { checkSecretKey, recordSecretKey } from './records/key-check.js';
import { loaderMemo, type Member, type OperationContext } from './operations/context.js';

export interface Runtime {
  readonly config: Config;
  readonly log: Logger;
  readonly main: Store;
  readonly databases: DatabaseRegistry;
  /** App records (create, import, list, change); `apps` is the guard that checks callers. */
  readonly appRecords: AppRecords;
  readonly apps: AppGuard;
  readonly members: MemberGuard;
  /** The context of one call by `app` (and `member`), with fresh per-request loaders. */
  context(app: App, member: Member | null): OperationContext;
  close(): Promise<void>;
}

/** Opens and migrates the main store. Throws with one clear line when it cannot. */
export async function startRuntime(config: Config, log: Logger): Promise<Runtime> {
  const main = openStore(config.databaseUrl);
  try {
    await main.ping();
    const applied = await migrate(main);
    if (applied.length) log.info({ migrations: applied }, 'main store migrated');
  } catch (err) {
    await main.close().catch(() => undefined);
    throw new Error(`main store ${redactUrl(config.databaseUrl)} is not usable: ${(err as Error).message}`);
  }
  const box = new SecretBox(config.secretKey);
  const appRecords = new AppRecords(main, box);
  try {
    for (const d of await checkSecretKey(main, box)) {
      log.error({ app_key: d.appKey, db_mark: d.dbMark }, 'database registration sealed under another YESGRAPH_SECRET_KEY: every call on it fails');
    }
    await recordSecretKey(main, box);
    const sealed = await appRecords.sealPlainSecrets();
    if (sealed) log.info({ apps: sealed }, 'app secrets sealed at rest');
  } catch (err) {
    await main.close().catch(() => undefined);
    throw new Error(`main store ${redactUrl(config.databaseUrl)}: ${(err as Error).message}`);
  }
  const databases = new DatabaseRegistry(main, box, config.dbTargets, config.dbRegistrationsPerMinute);
  return {
    config,
    log,
    main,
    databases,
    appRecords,
    apps: new AppGuard(appRecords),
    members: new MemberGuard(main),
    context: (app, member) => ({ app, member, main, databases, log, loader: loaderMemo() }),
    async close() {
      await databases.closeAll();
      await main.close();
    },
  };
}
