/** `yesgraph table …`: an app owner's hosted tables (the App.Table.* services read and write them). */
import { COLUMN_TYPES, parseColumnSpec, TableDefinitionError, TableRecords, type HostedTable } from '../records/tables.js';
import { defineCommand, UsageError, type OptionSpec } from './command.js';
import { out } from './output.js';
import { targetApp, withStore } from './store.js';

const APP = { type: 'string', value: 'APP_KEY', description: 'the app the table belongs to (needed when several apps exist)' } as const satisfies OptionSpec;

function describe(t: HostedTable, appKey: string) {
  return {
    app_key: appKey,
    name: t.name,
    columns: t.columns.map((c) => `${c.name}:${c.type}`),
    indexes: [...t.indexes],
    check_code: t.hasCheckCode,
  };
}

/** A definition problem is the operator's mistake: answered with the usage. */
async function definition<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof TableDefinitionError) throw new UsageError(err.message);
    throw err;
  }
}

export const tableCommands = [
  defineCommand({
    name: 'table create',
    args: '<name> <column:type>…',
    summary: 'create a hosted table with real columns (id, uuid, add_time, update_time, ext_data are added)',
    details: `Types: ${COLUMN_TYPES}. Example: yesgraph table create coupon code:varchar(32) state:int --index state`,
    options: {
      app: APP,
      index: { type: 'string', value: 'COL,…', description: 'columns to index, comma-separated' },
      json: { type: 'boolean', description: 'print one JSON object' },
    },
    async run(values, [name, ...specs]) {
      const columns = await definition(async () => specs.map(parseColumnSpec));
      const indexes = (values.index ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const row = await withStore(async (rt) => {
        const app = await targetApp(rt, values.app);
        const table = await definition(() => new TableRecords(rt.main).create(app.id, name!, columns, indexes));
        return describe(table, app.appKey);
      });
      out(values.json ? JSON.stringify(row) : `created table ${row.name} of app ${row.app_key}: ${['id', 'uuid', 'add_time', 'update_time', 'ext_data', ...row.columns].join(' ')}`);
      return 0;
    },
  }),
  defineCommand({
    name: 'table list',
    summary: "list an app's hosted tables with their columns (okayapi_message first)",
    options: { app: APP, json: { type: 'boolean', description: 'print one JSON array' } },
    async run(values) {
      const rows = await withStore(async (rt) => {
        const app = await targetApp(rt, values.app);
        return (await new TableRecords(rt.main).list(app.id)).map((t) => describe(t, app.appKey));
      });
      if (values.json) out(JSON.stringify(rows));
      else for (const r of rows) out(`${r.name}  ${r.columns.join(' ') || '(comment table)'}${r.check_code ? '  [check_code]' : ''}`);
      return 0;
    },
  }),
  defineCommand({
    name: 'table set-check-code',
    args: '<name> <code>',
    summary: 'require check_code=CODE on every call on a table; an empty CODE removes it',
    options: { app: APP },
    async run(values, [name, code]) {
      const appKey = await withStore(async (rt) => {
        const app = await targetApp(rt, values.app);
        if (!(await new TableRecords(rt.main).setCheckCode(app.id, name!, code === '' ? null : code!))) throw new Error(`app ${app.appKey} has no table ${name}`);
        return app.appKey;
      });
      out(code === '' ? `removed the check code of ${name} (app ${appKey})` : `set the check code of ${name} (app ${appKey})`);
      return 0;
    },
  }),
];
