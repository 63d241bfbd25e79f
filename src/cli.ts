/**
 * The yesgraph command line (also the package's `bin`):
 *   serve                                   start the server (npm start)
 *   print-schema [--out F | --check F]      print, write or check the GraphQL SDL
 *   app create [--name N] [--sign dynamic|static|off] [--json]
 *   app list [--json]
 *   db add <db_mark> <url> [--app KEY] [--table-prefix P] [--json]
 *   db list [--app KEY] [--json]
 *   sign [--app KEY] name=value …           a signed legacy query string for the app
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from './config.js';
import { DatabaseConfigError } from './db/registry.js';
import { dynamicSign } from './guards/sign.js';
import { createLogger, silentLogger, type Logger } from './logger.js';
import { SIGN_MODES, type App, type SignMode } from './records/apps.js';
import { startRuntime, type Runtime } from './runtime.js';
import { printSortedSchema } from './graphql/schema.js';
import { serve } from './serve.js';

class UsageError extends Error {}

const USAGE = `usage: yesgraph <command>
  serve                                   start the server
  print-schema [--out FILE | --check FILE]
  app create [--name N] [--sign dynamic|static|off] [--json]
  app list [--json]
  db add <db_mark> <url> [--app APP_KEY] [--table-prefix P] [--json]
  db list [--app APP_KEY] [--json]
  sign [--app APP_KEY] s=App.X.Y name=value …   print a signed legacy query string`;

function out(line: string): void {
  process.stdout.write(line + '\n');
}

async function withRuntime<T>(fn: (rt: Runtime) => Promise<T>, log: Logger = silentLogger): Promise<T> {
  const rt = await startRuntime(loadConfig(), log);
  try {
    return await fn(rt);
  } finally {
    await rt.close();
  }
}

function printSchemaCommand(args: string[]): number {
  const { values } = parseArgs({ args, options: { out: { type: 'string' }, check: { type: 'string' } } });
  const sdl = printSortedSchema();
  if (values.check) {
    let current = '';
    try {
      current = readFileSync(values.check, 'utf8');
    } catch {
      // a missing file is a drift like any other
    }
    if (current !== sdl) {
      process.stderr.write(`${values.check} is out of date: run npm run schema:print and commit it\n`);
      return 1;
    }
    out(`${values.check} is up to date`);
    return 0;
  }
  if (values.out) {
    writeFileSync(values.out, sdl);
    out(`wrote ${values.out}`);
  } else process.stdout.write(sdl);
  return 0;
}

function appSummary(app: App) {
  return { app_key: app.appKey, name: app.name, sign: app.signMode, status: app.status, demo: app.isDemo };
}

async function appCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const { values } = parseArgs({
    args: rest,
    options: { name: { type: 'string' }, sign: { type: 'string' }, json: { type: 'boolean' } },
  });
  if (sub === 'create') {
    const sign = (values.sign ?? 'dynamic') as SignMode;
    if (!SIGN_MODES.includes(sign)) throw new UsageError(`--sign must be one of ${SIGN_MODES.join(', ')}`);
    const app = await withRuntime((rt) => rt.appRecords.create({ name: values.name, signMode: sign }));
    const result: Record<string, string> = { app_key: app.appKey, app_secret: app.appSecret };
    if (app.staticSign) result.static_sign = app.staticSign;
    out(values.json ? JSON.stringify(result) : Object.entries(result).map(([k, v]) => `${k}: ${v}`).join('\n'));
    return 0;
  }
  if (sub === 'list') {
    const apps = await withRuntime((rt) => rt.appRecords.list());
    if (values.json) out(JSON.stringify(apps.map(appSummary)));
    else for (const a of apps) out(`${a.appKey}  ${a.signMode.padEnd(7)} ${a.status.padEnd(8)} ${a.name}${a.isDemo ? ' (demo)' : ''}`);
    return 0;
  }
  throw new UsageError(`unknown app command ${sub ?? ''}`);
}

/** The app a `db` command acts on: --app, or the only app there is. */
async function targetApp(rt: Runtime, appKey: string | undefined): Promise<App> {
  const apps = await rt.appRecords.list();
  if (appKey) {
    const app = apps.find((a) => a.appKey === appKey);
    if (!app) throw new UsageError(`no app with app_key ${appKey}`);
    return app;
  }
  const real = apps.filter((a) => !a.isDemo);
  if (real.length === 1) return real[0]!;
  if (real.length === 0 && apps.length === 1) return apps[0]!;
  throw new UsageError('several apps exist: name one with --app APP_KEY');
}

async function dbCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { app: { type: 'string' }, 'table-prefix': { type: 'string' }, json: { type: 'boolean' } },
  });
  if (sub === 'add') {
    const [dbMark, url] = positionals;
    if (!dbMark || !url) throw new UsageError('db add needs <db_mark> <url>');
    const db = await withRuntime(async (rt) => {
      const app = await targetApp(rt, values.app);
      return rt.databases.add(app.id, dbMark, url, values['table-prefix'] ?? '', { operator: true });
    });
    const result = { db_mark: db.dbMark, engine: db.engine, url: db.urlRedacted, table_prefix: db.tablePrefix };
    out(values.json ? JSON.stringify(result) : `registered ${db.dbMark} (${db.engine}) ${db.urlRedacted}`);
    return 0;
  }
  if (sub === 'list') {
    const dbs = await withRuntime(async (rt) => rt.databases.list(values.app ? (await targetApp(rt, values.app)).id : undefined));
    const rows = dbs.map((d) => ({ db_mark: d.dbMark, engine: d.engine, url: d.urlRedacted, table_prefix: d.tablePrefix }));
    if (values.json) out(JSON.stringify(rows));
    else for (const r of rows) out(`${r.db_mark}  ${r.engine.padEnd(6)} ${r.url}${r.table_prefix ? `  prefix=${r.table_prefix}` : ''}`);
    return 0;
  }
  throw new UsageError(`unknown db command ${sub ?? ''}`);
}

/** `sign s=App.Hello.World name=x`: the query string with app_key and a dynamic sign. */
async function signCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { app: { type: 'string' } } });
  const params = new Map<string, string>();
  for (const p of positionals) {
    const eq = p.indexOf('=');
    if (eq < 1) throw new UsageError(`expected name=value, got ${p}`);
    params.set(p.slice(0, eq), p.slice(eq + 1));
  }
  const app = await withRuntime((rt) => targetApp(rt, values.app));
  params.set('app_key', app.appKey);
  params.set('sign', dynamicSign(params, app.appSecret));
  out(new URLSearchParams([...params]).toString());
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  try {
    switch (command) {
      case 'serve': {
        const config = loadConfig();
        await serve(config, createLogger(config.logLevel));
        return 0;
      }
      case 'print-schema':
        return printSchemaCommand(args);
      case 'app':
        return await appCommand(args);
      case 'db':
        return await dbCommand(args);
      case 'sign':
        return await signCommand(args);
      case undefined:
      case 'help':
      case '--help':
        out(USAGE);
        return command === undefined ? 1 : 0;
      default:
        throw new UsageError(`unknown command ${command}`);
    }
  } catch (err) {
    if (err instanceof UsageError) process.stderr.write(`yesgraph: ${err.message}\n${USAGE}\n`);
    else if (err instanceof ConfigError || err instanceof DatabaseConfigError) process.stderr.write(`yesgraph: ${err.message}\n`);
    else process.stderr.write(`yesgraph: ${(err as Error).message}\n`);
    return 2;
  }
}
