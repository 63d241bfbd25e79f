/**
 * How a CLI command reaches the main store. It says on stderr which store and key it uses,
 * refuses to create a store (a missing SQLite file means the wrong directory or DATABASE_URL;
 * only `serve` creates one) and refuses a key that does not open what the store holds, so a
 * run beside a production server cannot write into an empty stray store or seal secrets the
 * server cannot open. Heavy modules (engine drivers) load here, not for --help.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { App } from '../records/apps.js';
import type { Runtime } from '../runtime.js';
import { UsageError } from './command.js';
import { note } from './output.js';

export async function withStore<T>(fn: (rt: Runtime) => Promise<T>): Promise<T> {
  const [{ loadConfig }, { openStore, parseDatabaseUrl, redactUrl }, { SecretBox }, { checkSecretKey, SecretKeyMismatchError }, { startRuntime }, { silentLogger }] =
    await Promise.all([
      import('../config.js'),
      import('../db/open.js'),
      import('../crypto.js'),
      import('../records/key-check.js'),
      import('../runtime.js'),
      import('../logger.js'),
    ]);
  const config = loadConfig(process.env, { generateKey: false });
  const { path } = parseDatabaseUrl(config.databaseUrl);
  const file = path && path !== ':memory:' ? resolve(path) : null;
  const shown = file ? `sqlite:${file}` : redactUrl(config.databaseUrl);
  const key = config.secretKeyFile ? `the development key in ${config.secretKeyFile}` : 'YESGRAPH_SECRET_KEY';
  note(`main store ${shown}, secret key from ${key}`);
  if (file && !existsSync(file)) {
    throw new Error(
      `the main store ${file} does not exist: run yesgraph from the server's directory, or set DATABASE_URL ` +
        `(and YESGRAPH_SECRET_KEY) as the server has them. Only yesgraph serve creates a new store.`,
    );
  }

  const probe = openStore(config.databaseUrl);
  try {
    for (const d of await checkSecretKey(probe, new SecretBox(config.secretKey))) {
      note(
        `db_mark ${d.dbMark} of app ${d.appKey} is sealed under another YESGRAPH_SECRET_KEY and every call on it fails: ` +
          `remove it (yesgraph db remove ${d.dbMark} --app ${d.appKey}) and add it again`,
      );
    }
  } catch (err) {
    if (err instanceof SecretKeyMismatchError) throw err;
    throw new Error(`main store ${shown} is not usable: ${(err as Error).message}`);
  } finally {
    await probe.close().catch(() => undefined);
  }

  const rt = await startRuntime(config, silentLogger);
  try {
    return await fn(rt);
  } finally {
    await rt.close();
  }
}

/** The app with this app_key. */
export async function findApp(rt: Runtime, appKey: string): Promise<App> {
  const app = await rt.appRecords.findByKey(appKey);
  if (!app) throw new Error(`no app with app_key ${appKey}`);
  return app;
}

/** The app a command acts on: --app, or the only app there is (the demo app aside). */
export async function targetApp(rt: Runtime, appKey: string | undefined): Promise<App> {
  if (appKey) return findApp(rt, appKey);
  const apps = await rt.appRecords.list();
  const real = apps.filter((a) => !a.isDemo);
  if (real.length === 1) return real[0]!;
  if (real.length === 0 && apps.length === 1) return apps[0]!;
  throw new UsageError(apps.length ? 'several apps exist: name one with --app APP_KEY' : 'no app exists yet: create one with yesgraph app create');
}
