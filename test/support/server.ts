/**
 * yesgraph in-process over a fresh real main store (SQLite or MariaDB), driven through
 * `server.fetch` — the same entry point the HTTP server uses — with signed calls on both faces.
 *
 *   describe.each(await storeKinds())('%s', (kind) => {
 *     const t = useServer(kind);
 *     it('…', async () => { const env = await t.legacy({ s: 'App.Hello.World' }); … });
 *   });
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { Config } from '../../src/config.js';
import { parseAllowList } from '../../src/db/target-policy.js';
import { dynamicSign, payloadSign } from '../../src/guards/sign.js';
import { createLogger, silentLogger } from '../../src/logger.js';
import type { App, SignMode } from '../../src/records/apps.js';
import { startRuntime, type Runtime } from '../../src/runtime.js';
import { createServer, type YesgraphServer } from '../../src/server.js';
import { freshDatabase, type StoreKind } from './stores.js';

export const BASE = 'http://yesgraph.test';

export function testConfig(databaseUrl: string, overrides: Partial<Config> = {}): Config {
  return {
    host: '127.0.0.1',
    port: 0,
    databaseUrl,
    secretKey: 'test-secret-key-0123456789',
    production: false,
    logLevel: 'silent',
    bodyLimit: 64 * 1024,
    graphqlMaxDepth: 12,
    demo: false,
    // The test MariaDB runs on loopback: opened as an operator would (YESGRAPH_DB_ALLOW).
    dbTargets: { allow: parseAllowList('127.0.0.1:3306,localhost:3306'), allowPublic: true },
    dbRegistrationsPerMinute: 1000,
    rawUrl: true,
    leanHttp: true,
    accessLog: false,
    graphqlIntrospection: true,
    // Off unless a test turns it on: its batched writes would land in other tests' statement counts.
    callLogDays: 0,
    metricsToken: undefined,
    graphqlMaxCost: 5000,
    graphqlMaxBatch: 10,
    playground: true,
    examplesApp: undefined,
    // Counters in memory unless a test gives a Redis; the socket's address is the client.
    redisUrl: undefined,
    redisFailure: 'open',
    trustedProxies: [],
    // Tasks: no worker unless a suite asks for one (a worker polls the main store, which would
    // show in other suites' statement counts); a short lease so a stopped worker's task is taken
    // up within seconds; files in one directory per test process, made when a worker starts.
    taskConcurrency: 0,
    taskAttempts: 3,
    taskLeaseSeconds: 3,
    taskDir: join(tmpdir(), `yesgraph-tasks-${process.pid}`),
    exportLinkSeconds: 600,
    taskDays: 7,
    ...overrides,
  };
}

export interface Envelope {
  ret: number;
  data: Record<string, unknown> & { err_code?: number; err_msg?: string };
  msg: string;
  _t: number;
  _auth: string;
}

export interface CallOptions {
  /** GET (default) puts parameters in the query string; POST sends an urlencoded body. */
  method?: 'GET' | 'POST';
  app?: App;
  /** Leave out app_key/sign (to test the guard). */
  unsigned?: boolean;
  /** Member session. */
  session?: { uuid: string; token: string };
}

export interface GraphQLResult<T = Record<string, unknown>> {
  data?: T | null;
  errors?: Array<{ message: string; path?: string[]; extensions?: Record<string, unknown> }>;
}

export interface TestServer {
  readonly rt: Runtime;
  readonly server: YesgraphServer;
  /** A dynamic-signature app created for the suite. */
  readonly app: App;
  readonly databaseUrl: string;
  newApp(signMode?: SignMode): Promise<App>;
  /** A signed legacy call; parameters as the SDKs send them (strings). */
  legacy(params: Record<string, string | number>, options?: CallOptions): Promise<Envelope>;
  /** A signed GraphQL POST. */
  graphql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, options?: Omit<CallOptions, 'method'>): Promise<GraphQLResult<T>>;
  /** A signed GraphQL POST of a codegen'd typed document. */
  gql<R, V extends Record<string, unknown>>(doc: TypedDocumentNode<R, V>, variables?: V, options?: Omit<CallOptions, 'method'>): Promise<GraphQLResult<R>>;
  fetch(request: Request): Promise<Response>;
}

export function signedParams(params: Record<string, string | number>, app: App): URLSearchParams {
  const map = new Map(Object.entries(params).map(([k, v]) => [k, String(v)]));
  map.set('app_key', app.appKey);
  map.set('sign', dynamicSign(map, app.appSecret));
  return new URLSearchParams([...map]);
}

export interface StartedServer extends TestServer {
  close(): Promise<void>;
}

/** Starts yesgraph over a fresh main store of the kind (benchmarks use this directly). */
export async function startTestServer(kind: StoreKind, overrides: Partial<Config> = {}): Promise<StartedServer> {
  const db = await freshDatabase(kind);
  // TEST_LOG_LEVEL=error shows what the server logs (masked errors and their causes).
  const log = process.env.TEST_LOG_LEVEL ? createLogger(process.env.TEST_LOG_LEVEL) : silentLogger;
  const rt = await startRuntime(testConfig(db.url, overrides), log);
  const server = createServer(rt);
  const app = await rt.appRecords.create({ name: 'test' });

  const t: StartedServer = {
    rt,
    server,
    app,
    databaseUrl: db.url,
    async close() {
      await rt.close();
      await db.drop();
    },
    newApp: (signMode = 'dynamic') => rt.appRecords.create({ name: 'other', signMode }),
    fetch: (request) => server.fetch(request),
    async legacy(params, options = {}) {
      const who = options.app ?? app;
      const all = { ...params, ...(options.session ?? {}) };
      const body = options.unsigned
        ? new URLSearchParams(Object.entries(all).map(([k, v]) => [k, String(v)]))
        : signedParams(all, who);
      const request =
        options.method === 'POST'
          ? new Request(`${BASE}/`, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } })
          : new Request(`${BASE}/?${body.toString()}`);
      const res = await server.fetch(request);
      return (await res.json()) as Envelope;
    },
    gql: (doc, variables, options) => t.graphql(print(doc), variables, options),
    async graphql(query, variables, options = {}) {
      const who = options.app ?? app;
      const body = JSON.stringify({ query, variables });
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (!options.unsigned) {
        headers['x-app-key'] = who.appKey;
        headers['x-sign'] = payloadSign(body, who.appSecret);
      }
      if (options.session) {
        headers['x-uuid'] = options.session.uuid;
        headers['x-token'] = options.session.token;
      }
      const res = await server.fetch(new Request(`${BASE}/graphql`, { method: 'POST', headers, body }));
      return (await res.json()) as GraphQLResult<never>;
    },
  };
  return t;
}

/** A server for the enclosing describe block: started before its tests, closed after. */
export function useServer(kind: StoreKind, overrides: Partial<Config> = {}): TestServer {
  let started: StartedServer | undefined;
  beforeAll(async () => {
    started = await startTestServer(kind, overrides);
  });
  afterAll(async () => {
    await started?.close();
  });
  const get = (): StartedServer => {
    if (!started) throw new Error('server used outside a test');
    return started;
  };
  return {
    get rt() {
      return get().rt;
    },
    get server() {
      return get().server;
    },
    get app() {
      return get().app;
    },
    get databaseUrl() {
      return get().databaseUrl;
    },
    newApp: (signMode) => get().newApp(signMode),
    fetch: (request) => get().fetch(request),
    legacy: (params, options) => get().legacy(params, options),
    gql: (doc, variables, options) => get().gql(doc, variables, options),
    graphql: (query, variables, options) => get().graphql(query, variables, options),
  };
}
