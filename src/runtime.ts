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
import { GuardChain } from './guards/chain.js';
import type { Counters } from './guards/counters.js';
import { IpList, parseCidrList } from './guards/ip.js';
import { MemberGuard } from './guards/member.js';
import { openCounters } from './guards/open-counters.js';
import type { Logger } from './logger.js';
import { AppRecords, type App } from './records/apps.js';
import { CallLogRecords } from './records/call-log.js';
import { checkSecretKey, recordSecretKey } from './records/key-check.js';
import { loaderMemo, type Member, type OperationContext } from './operations/context.js';
import { CallLog } from './telemetry/call-log.js';
import { CallLogPruner } from './telemetry/call-log-pruner.js';
import { Metrics } from './telemetry/metrics.js';
import { TaskWorker } from './tasks/worker.js';
import { LocalTaskChanges, type TaskChanges } from './operations/tasks/changes.js';
import { RedisTaskChanges } from './tasks/changes-redis.js';

export interface Runtime {
  readonly config: Config;
  readonly log: Logger;
  readonly main: Store;
  readonly databases: DatabaseRegistry;
  /** App records (create, import, list, change); `apps` is the guard that checks callers. */
  readonly appRecords: AppRecords;
  readonly apps: AppGuard;
  readonly members: MemberGuard;
  /** The guard chain both faces run (src/guards/chain.ts), over `apps`, `members` and `counters`. */
  readonly guards: GuardChain;
  /** Rate, quota and replay counters: in memory, or in Redis with REDIS_URL. */
  readonly counters: Counters;
  /** The call log's writer (off when YESGRAPH_CALL_LOG_DAYS=0); close() writes what it holds. */
  readonly calls: CallLog;
  /** Prometheus metrics (GET /metrics); add a feature's own metric to `metrics.registry`. */
  readonly metrics: Metrics;
  /** Runs queued tasks (exports); the server starts it, close() hands running tasks back. */
  readonly tasks: TaskWorker;
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
  const apps = new AppGuard(appRecords);
  const members = new MemberGuard(main);
  const counters = await openCounters(config.redisUrl, config.redisFailure, log);
  const trustedProxies = config.trustedProxies.length ? new IpList(parseCidrList(config.trustedProxies.join(','))) : null;
  const metrics = new Metrics();
  main.onRetry(metrics.observeRetry);
  databases.onRetry(metrics.observeRetry);
  const callLog = config.callLogDays > 0 ? new CallLogRecords(main) : null;
  const calls = new CallLog(callLog, log, metrics);
  const pruner = callLog ? new CallLogPruner(callLog, config.callLogDays, log) : null;
  const taskChanges: TaskChanges = config.redisUrl ? new RedisTaskChanges(config.redisUrl, log) : new LocalTaskChanges();
  const context: Runtime['context'] = (app, member) => ({ app, member, main, databases, log, taskChanges, loader: loaderMemo() });
  const tasks = new TaskWorker({ config, log, main, appRecords, taskChanges, context: (app) => context(app, null) });
  return {
    config,
    log,
    main,
    databases,
    appRecords,
    apps,
    members,
    guards: new GuardChain(apps, members, counters, trustedProxies),
    counters,
    calls,
    metrics,
    tasks,
    context,
    async close() {
      await tasks.close();
      await taskChanges.close();
      await pruner?.close();
      await calls.close();
      await counters.close();
      await databases.closeAll();
      await main.close();
    },
  };
}
