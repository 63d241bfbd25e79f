/** `yesgraph db …`: the owners' own databases apps read under a db_mark. */
import type { RegisteredDatabase } from '../db/registry.js';
import { defineCommand, type OptionSpec } from './command.js';
import { out } from './output.js';
import { targetApp, withStore } from './store.js';

const APP = { type: 'string', value: 'APP_KEY', description: 'the app the database belongs to (needed when several apps exist)' } as const satisfies OptionSpec;

function row(d: RegisteredDatabase, appKey: string) {
  return { app_key: appKey, db_mark: d.dbMark, engine: d.engine, url: d.urlRedacted, table_prefix: d.tablePrefix };
}

export const dbCommands = [
  defineCommand({
    name: 'db add',
    args: '<db_mark> <url>',
    summary: 'register a database of an app under a db_mark, once it answers',
    details:
      'url: mssql://user:pass@host:1433/db, mysql://user:pass@host:3306/db or sqlite:/path/to/existing.db. ' +
      'It is stored sealed with YESGRAPH_SECRET_KEY and shown with its password as ***.',
    options: {
      app: APP,
      'table-prefix': { type: 'string', value: 'PREFIX', description: 'put in front of every model_name on this db_mark' },
      json: { type: 'boolean', description: 'print one JSON object' },
    },
    async run(values, [dbMark, url]) {
      const { db, appKey } = await withStore(async (rt) => {
        const app = await targetApp(rt, values.app);
        return { appKey: app.appKey, db: await rt.databases.add(app.id, dbMark!, url!, values['table-prefix'] ?? '', { operator: true }) };
      });
      const r = row(db, appKey);
      out(values.json ? JSON.stringify(r) : `registered ${r.db_mark} (${r.engine}) ${r.url} for app ${appKey}`);
      return 0;
    },
  }),
  defineCommand({
    name: 'db list',
    summary: 'list registered databases with the app each belongs to, passwords as ***',
    options: { app: { ...APP, description: 'only this app\'s databases' }, json: { type: 'boolean', description: 'print one JSON array' } },
    async run(values) {
      const rows = await withStore(async (rt) => {
        const keys = new Map((await rt.appRecords.list()).map((a) => [a.id, a.appKey]));
        const only = values.app ? (await targetApp(rt, values.app)).id : undefined;
        return (await rt.databases.list(only)).map((d) => row(d, keys.get(d.appId) ?? '?'));
      });
      if (values.json) out(JSON.stringify(rows));
      else for (const r of rows) out(`${r.app_key}  ${r.db_mark}  ${r.engine.padEnd(6)} ${r.url}${r.table_prefix ? `  prefix=${r.table_prefix}` : ''}`);
      return 0;
    },
  }),
  defineCommand({
    name: 'db remove',
    args: '<db_mark>',
    summary: "remove an app's database registration (the database itself is not touched)",
    options: { app: APP },
    async run(values, [dbMark]) {
      const appKey = await withStore(async (rt) => {
        const app = await targetApp(rt, values.app);
        if (!(await rt.databases.remove(app.id, dbMark!))) throw new Error(`app ${app.appKey} has no db_mark ${dbMark}`);
        return app.appKey;
      });
      out(`removed ${dbMark} of app ${appKey}`);
      return 0;
    },
  }),
];
