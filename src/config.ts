/**
 * Configuration from the environment, validated once at start-up. Every variable is listed in
 * README.md ("Configuration").
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { randomHex } from './crypto.js';
import { DatabaseUrlError, parseDatabaseUrl } from './db/open.js';
import { parseAllowList, type TargetPolicy } from './db/target-policy.js';
import { formatCidr, parseCidrList } from './guards/ip.js';
import { APP_KEY } from './records/apps.js';

const Env = z.object({
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  DATABASE_URL: z.string().min(1).default('sqlite:./data/yesgraph.db'),
  YESGRAPH_SECRET_KEY: z.string().min(16).optional(),
  NODE_ENV: z.string().default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  BODY_LIMIT: z.coerce.number().int().min(1024).default(1024 * 1024),
  GRAPHQL_MAX_DEPTH: z.coerce.number().int().min(2).max(64).default(12),
  YESGRAPH_DEMO: z.enum(['0', '1']).optional(),
  YESGRAPH_RAW_URL: z.enum(['0', '1']).default('1'),
  YESGRAPH_LEAN_HTTP: z.enum(['0', '1']).default('1'),
  YESGRAPH_ACCESS_LOG: z.enum(['0', '1']).default('0'),
  YESGRAPH_DB_ALLOW: z.string().optional(),
  YESGRAPH_DB_PUBLIC: z.enum(['0', '1']).default('1'),
  YESGRAPH_DB_REGISTER_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(6),
  YESGRAPH_GRAPHQL_INTROSPECTION: z.enum(['0', '1']).optional(),
  YESGRAPH_CALL_LOG_DAYS: z.coerce.number().int().min(0).max(3650).default(30),
  YESGRAPH_METRICS_TOKEN: z.string().min(16).optional(),
  GRAPHQL_MAX_COST: z.coerce.number().int().min(10).max(1_000_000).default(5000),
  GRAPHQL_MAX_BATCH: z.coerce.number().int().min(1).max(100).default(10),
  YESGRAPH_PLAYGROUND: z.enum(['0', '1']).optional(),
  YESGRAPH_EXAMPLES_APP: z.string().regex(APP_KEY, 'an app_key (32 letters and digits)').optional(),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'a redis:// or rediss:// URL').optional(),
  YESGRAPH_REDIS_FAILURE: z.enum(['open', 'closed']).default('open'),
  YESGRAPH_TRUSTED_PROXIES: z.string().optional(),
  YESGRAPH_TASK_CONCURRENCY: z.coerce.number().int().min(0).max(64).default(2),
  YESGRAPH_TASK_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(3),
  YESGRAPH_TASK_LEASE_SECONDS: z.coerce.number().int().min(2).max(3600).default(30),
  YESGRAPH_TASK_DIR: z.string().min(1).default('./data/tasks'),
  YESGRAPH_EXPORT_LINK_SECONDS: z.coerce.number().int().min(1).max(30 * 86400).default(86400),
  YESGRAPH_TASK_DAYS: z.coerce.number().int().min(0).max(3650).default(7),
});

export interface Config {
  readonly host: string;
  readonly port: number;
  readonly databaseUrl: string;
  /** Seals database passwords at rest. */
  readonly secretKey: string;
  readonly production: boolean;
  readonly logLevel: z.infer<typeof Env>['LOG_LEVEL'];
  /** Largest request body accepted, in bytes. */
  readonly bodyLimit: number;
  readonly graphqlMaxDepth: number;
  /** Create the demo app on first start. */
  readonly demo: boolean;
  /** One info line per request: method, path, service, ret, err_code, app, duration. */
  readonly accessLog: boolean;
  /** Accept raw UTF-8 bytes and spaces in the request line (SDKs that do not percent-encode). */
  readonly rawUrl: boolean;
  /** Answer the common requests in the lean HTTP front rather than node's server (src/http/lean-front.ts). */
  readonly leanHttp: boolean;
  /** Which database servers apps may register through the API (AddNewDatabaseConfig). */
  readonly dbTargets: TargetPolicy;
  /** API registration attempts per app and minute (AddNewDatabaseConfig), per instance. */
  readonly dbRegistrationsPerMinute: number;
  /** GraphQL introspection (and so GraphiQL's docs): on outside production unless set. */
  readonly graphqlIntrospection: boolean;
  /** Days the call log keeps its rows; 0: no call log. */
  readonly callLogDays: number;
  /** Bearer token of GET /metrics; unset: no /metrics. */
  readonly metricsToken?: string;
  /** Highest static cost of a GraphQL operation (objects 2, scalars 1, ×1.5 per level). */
  readonly graphqlMaxCost: number;
  /** Most operations in one batched GraphQL request (a JSON array). */
  readonly graphqlMaxBatch: number;
  /** The GraphiQL playground at /graphql and its files under /playground/: on outside production (with introspection) unless set. */
  readonly playground: boolean;
  /** The app the example frontend (/examples/comments/) calls as; unset: the example is not served. */
  readonly examplesApp?: string;
  /** Shared rate, quota and replay counters; unset: counted in each instance's memory. */
  readonly redisUrl?: string;
  /** While Redis does not answer: `open` counts in memory, `closed` refuses calls that need a counter (503). */
  readonly redisFailure: 'open' | 'closed';
  /** CIDR ranges of the proxies whose X-Forwarded-For names the client; empty: the socket's address is the client. */
  readonly trustedProxies: readonly string[];
  /** Tasks (exports) each instance runs at once; 0: this instance runs none. */
  readonly taskConcurrency: number;
  /** Runs of a task before it is failed for good (a crash or a fault each count one). */
  readonly taskAttempts: number;
  /** A running task's lease: another instance takes it up this long after its worker stopped renewing it. */
  readonly taskLeaseSeconds: number;
  /** Where export files are written (served through signed download links). */
  readonly taskDir: string;
  /** How long an export's download link is valid, in seconds. */
  readonly exportLinkSeconds: number;
  /** Days an ended task (succeeded, failed, cancelled) is kept before it is deleted; 0 keeps it for ever. */
  readonly taskDays: number;
  /** Set when the secret key came from a generated file rather than the environment. */
  readonly secretKeyFile?: string;
}

export class ConfigError extends Error {}

/**
 * `generateKey: false` (the CLI): only read ./data/secret.key, never create one, so a command
 * run in the wrong directory leaves no stray key behind.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, options: { generateKey?: boolean } = {}): Config {
  // An empty variable counts as unset, as in most deployment tools.
  const set = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = Env.safeParse(set);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`invalid configuration: ${issue.path.join('.')}: ${issue.message}`);
  }
  const e = parsed.data;
  try {
    parseDatabaseUrl(e.DATABASE_URL);
  } catch (err) {
    if (err instanceof DatabaseUrlError) throw new ConfigError(`invalid DATABASE_URL: ${err.message}`);
    throw err;
  }
  const production = e.NODE_ENV === 'production';
  const graphqlIntrospection = e.YESGRAPH_GRAPHQL_INTROSPECTION ? e.YESGRAPH_GRAPHQL_INTROSPECTION === '1' : !production;
  let secretKey = e.YESGRAPH_SECRET_KEY;
  let secretKeyFile: string | undefined;
  if (!secretKey) {
    if (production) throw new ConfigError('YESGRAPH_SECRET_KEY must be set when NODE_ENV=production');
    secretKeyFile = resolve('data/secret.key');
    if (options.generateKey === false && !existsSync(secretKeyFile)) {
      throw new ConfigError(
        `YESGRAPH_SECRET_KEY is not set and there is no ${secretKeyFile}: run yesgraph from the server's directory, or set DATABASE_URL and YESGRAPH_SECRET_KEY as the server has them`,
      );
    }
    secretKey = developmentKey(secretKeyFile);
  }
  return {
    host: e.HOST,
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    secretKey,
    secretKeyFile,
    production,
    logLevel: e.LOG_LEVEL,
    bodyLimit: e.BODY_LIMIT,
    graphqlMaxDepth: e.GRAPHQL_MAX_DEPTH,
    demo: e.YESGRAPH_DEMO ? e.YESGRAPH_DEMO === '1' : !production,
    rawUrl: e.YESGRAPH_RAW_URL === '1',
    leanHttp: e.YESGRAPH_LEAN_HTTP === '1',
    accessLog: e.YESGRAPH_ACCESS_LOG === '1',
    dbTargets: { allow: dbAllowList(e.YESGRAPH_DB_ALLOW ?? ''), allowPublic: e.YESGRAPH_DB_PUBLIC === '1' },
    dbRegistrationsPerMinute: e.YESGRAPH_DB_REGISTER_PER_MINUTE,
    graphqlIntrospection,
    callLogDays: e.YESGRAPH_CALL_LOG_DAYS,
    metricsToken: e.YESGRAPH_METRICS_TOKEN,
    graphqlMaxCost: e.GRAPHQL_MAX_COST,
    graphqlMaxBatch: e.GRAPHQL_MAX_BATCH,
    // GraphiQL needs introspection for its docs and completion.
    playground: e.YESGRAPH_PLAYGROUND ? e.YESGRAPH_PLAYGROUND === '1' : !production && graphqlIntrospection,
    examplesApp: e.YESGRAPH_EXAMPLES_APP,
    redisUrl: e.REDIS_URL,
    redisFailure: e.YESGRAPH_REDIS_FAILURE,
    trustedProxies: trustedProxies(e.YESGRAPH_TRUSTED_PROXIES ?? ''),
    taskConcurrency: e.YESGRAPH_TASK_CONCURRENCY,
    taskAttempts: e.YESGRAPH_TASK_ATTEMPTS,
    taskLeaseSeconds: e.YESGRAPH_TASK_LEASE_SECONDS,
    taskDir: resolve(e.YESGRAPH_TASK_DIR),
    exportLinkSeconds: e.YESGRAPH_EXPORT_LINK_SECONDS,
    taskDays: e.YESGRAPH_TASK_DAYS,
  };
}

function trustedProxies(text: string): string[] {
  try {
    return parseCidrList(text).map(formatCidr);
  } catch (err) {
    throw new ConfigError(`invalid YESGRAPH_TRUSTED_PROXIES: ${(err as Error).message}`);
  }
}

function dbAllowList(text: string) {
  try {
    return parseAllowList(text);
  } catch (err) {
    throw new ConfigError(`invalid YESGRAPH_DB_ALLOW: ${(err as Error).message}`);
  }
}

/** Outside production, a key generated once into ./data so a bare `npm start` works. */
function developmentKey(file: string): string {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dirname(file), { recursive: true });
  const key = randomHex(32);
  writeFileSync(file, key + '\n', { mode: 0o600 });
  return key;
}
