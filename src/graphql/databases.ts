/** The app's direct-connect databases: `addDatabase` (App.DB_MsSQL_Config.AddNewDatabaseConfig) and `databases`. */
import { databaseInput } from '../operations/database-input.js';
import { addDatabase, listDatabases, type DatabaseSummary } from '../operations/databases.js';
import { argsOf } from './args.js';
import { builder } from './builder.js';
import { BusinessError } from './business-error.js';
import { opOf } from './context.js';

const DatabaseEngine = builder.enumType('DatabaseEngine', {
  values: { MYSQL: { value: 'mysql' }, MSSQL: { value: 'mssql' }, SQLITE: { value: 'sqlite' } } as const,
});

const RemoteEngine = builder.enumType('RemoteEngine', {
  description: 'An engine an API caller may register; SQLite files are registered by the operator (yesgraph db add).',
  values: { MYSQL: { value: 'mysql' }, MSSQL: { value: 'mssql' } } as const,
});

const Database = builder.objectRef<DatabaseSummary>('Database').implement({
  description: 'A registered database: its mark and engine. Host, database name and credentials are never shown.',
  fields: (t) => ({
    dbMark: t.exposeString('dbMark'),
    engine: t.field({ type: DatabaseEngine, resolve: (d) => d.engine }),
    tablePrefix: t.exposeString('tablePrefix'),
  }),
});

builder.queryField('databases', (t) =>
  t.field({
    type: [Database],
    description: "The calling app's registered databases.",
    resolve: (_root, _args, ctx) => listDatabases(opOf(ctx)),
  }),
);

builder.mutationField('addDatabase', (t) =>
  t.field({
    type: Database,
    description: 'App.DB_MsSQL_Config.AddNewDatabaseConfig: registers a database under `dbMark` once it answers.',
    errors: { types: [BusinessError] },
    args: t.validate(
      {
        dbMark: t.arg.string({ required: true }),
        engine: t.arg({ type: RemoteEngine, required: true }),
        host: t.arg.string({ required: true }),
        port: t.arg.int({ description: '3306 for MYSQL, 1433 for MSSQL when absent.' }),
        user: t.arg.string({ required: true }),
        password: t.arg.string(),
        name: t.arg.string({ required: true, description: 'The database name (never shown again).' }),
        tablePrefix: t.arg.string(),
      },
      argsOf(databaseInput),
    ),
    resolve: (_root, args, ctx) => addDatabase(opOf(ctx), { ...args, port: args.port ?? undefined }),
  }),
);
