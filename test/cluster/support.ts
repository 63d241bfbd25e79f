/**
 * The local three-node Galera cluster (scripts/galera-cluster.sh) for the cluster suite and
 * bench/cluster.ts: starting it (or learning why it cannot start), fresh databases on it, and
 * yesgraph instances whose main store is one node each, sharing Redis.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';
import type { Config } from '../../src/config.js';
import { parseAllowList } from '../../src/db/target-policy.js';
import { createLogger, silentLogger } from '../../src/logger.js';
import type { App } from '../../src/records/apps.js';
import { startRuntime, type Runtime } from '../../src/runtime.js';
import { createServer } from '../../src/server.js';
import { BASE, signedParams, testConfig, type Envelope, type GraphQLResult, type TestServer } from '../support/server.js';
import { payloadSign } from '../../src/guards/sign.js';

const run = promisify(execFile);

export const SCRIPT = fileURLToPath(new URL('../../scripts/galera-cluster.sh', import.meta.url));
/** Node i (1-based) answers SQL on FIRST_PORT + i − 1 (the script's GALERA_PORT). */
export const FIRST_PORT = Number(process.env.GALERA_PORT ?? 4406);
export const NODES = [1, 2, 3] as const;
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const METRICS_TOKEN = 'cluster-metrics-token';
const START_TIMEOUT_MS = 150_000;

export const nodeUrl = (node: number, database = 'test'): string => `mysql://root@127.0.0.1:${FIRST_PORT + node - 1}/${database}`;

/** The script, as a caller of it sees it: exit code and both outputs. */
export async function cluster(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('bash', [SCRIPT, ...args], { timeout: START_TIMEOUT_MS, env: process.env });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number | string; stdout?: string; stderr?: string; message: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr || e.message };
  }
}

export interface ClusterStart {
  /** Whether it was running before: then it is left running at the end. */
  readonly wasRunning: boolean;
  /** Null when it runs; otherwise why it could not start (the script's one line). */
  readonly failure: string | null;
}

/** Starts the cluster unless it runs; never throws. */
export async function startCluster(): Promise<ClusterStart> {
  const wasRunning = (await cluster('status')).code === 0;
  if (wasRunning) return { wasRunning, failure: null };
  const started = await cluster('start');
  return { wasRunning, failure: started.code === 0 ? null : started.stderr.trim().split('\n').pop() || `exit ${started.code}` };
}

/** A statement on node `node` on a connection of its own, reading causally (wsrep_sync_wait). */
export async function onNode<T = Array<Record<string, unknown>>>(node: number, database: string, text: string, values: unknown[] = []): Promise<T> {
  const conn = await mysql.createConnection({ uri: nodeUrl(node, database), supportBigNumbers: true, bigNumberStrings: true, connectTimeout: 5000 });
  try {
    await conn.query('SET SESSION wsrep_sync_wait = 1');
    return (await conn.query(text, values))[0] as T;
  } finally {
    await conn.end();
  }
}

/**
 * A new database, created through node 1; answered once every node has applied the CREATE
 * (the others apply it a moment after node 1 answers, and a connection naming it waits for nothing).
 */
export async function clusterDatabase(): Promise<{ name: string; drop(): Promise<void> }> {
  const name = `yg_c_${randomBytes(6).toString('hex')}`;
  await onNode(1, 'test', `CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  for (const n of NODES) {
    for (let i = 0; ; i++) {
      const found = await onNode<unknown[]>(n, 'test', 'SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [name]);
      if (found.length) break;
      if (i === 100) throw new Error(`database ${name} did not reach node ${n}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return { name, drop: () => onNode(1, 'test', `DROP DATABASE IF EXISTS \`${name}\``).then(() => undefined) };
}

/** One yesgraph instance: its runtime and its entry point (`server.fetch`), signed calls as a client sends them. */
export interface Instance extends Pick<TestServer, 'rt' | 'fetch'> {
  readonly node: number;
  legacy(params: Record<string, string | number>, app: App, method?: 'GET' | 'POST'): Promise<Envelope>;
  graphql<T = Record<string, unknown>>(query: string, variables: Record<string, unknown>, app: App): Promise<GraphQLResult<T>>;
  /** The /metrics text. */
  metrics(): Promise<string>;
  close(): Promise<void>;
}

/** The instance's config: its node, the shared Redis, cluster nodes allowed as db_marks, /metrics on. */
export function instanceConfig(node: number, database: string, overrides: Partial<Config> = {}): Config {
  return testConfig(nodeUrl(node, database), {
    redisUrl: REDIS_URL,
    redisFailure: 'closed',
    metricsToken: METRICS_TOKEN,
    dbTargets: { allow: parseAllowList(NODES.map((n) => `127.0.0.1:${FIRST_PORT + n - 1}`).join(',')), allowPublic: true },
    ...overrides,
  });
}

export async function startInstance(node: number, database: string, overrides: Partial<Config> = {}): Promise<Instance> {
  const log = process.env.TEST_LOG_LEVEL ? createLogger(process.env.TEST_LOG_LEVEL) : silentLogger;
  const rt: Runtime = await startRuntime(instanceConfig(node, database, overrides), log);
  const server = createServer(rt);
  const fetch = (request: Request) => server.fetch(request);
  return {
    node,
    rt,
    fetch,
    async legacy(params, app, method = 'POST') {
      const body = signedParams(params, app);
      const request =
        method === 'POST'
          ? new Request(`${BASE}/`, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } })
          : new Request(`${BASE}/?${body.toString()}`);
      return (await (await fetch(request)).json()) as Envelope;
    },
    async graphql(query, variables, app) {
      const body = JSON.stringify({ query, variables });
      const headers = { 'content-type': 'application/json', 'x-app-key': app.appKey, 'x-sign': payloadSign(body, app.appSecret) };
      return (await (await fetch(new Request(`${BASE}/graphql`, { method: 'POST', headers, body }))).json()) as GraphQLResult<never>;
    },
    async metrics() {
      const res = await fetch(new Request(`${BASE}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } }));
      return res.text();
    },
    close: () => rt.close(),
  };
}

/** `yesgraph_write_retries_total` of one /metrics text, by path. */
export function retriesOf(metrics: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of metrics.matchAll(/^yesgraph_write_retries_total\{path="([a-z_]+)"\} (\d+)/gm)) out[m[1]!] = Number(m[2]);
  return out;
}

/** Text that must never reach a caller: SQL, driver and Galera details. */
export const LEAK = /ECONN|ER_[A-Z_]+|errno|sqlState|SELECT |UPDATE |INSERT |WSREP|wsrep|mysql|MariaDB|127\.0\.0\.1|deadlock/i;
