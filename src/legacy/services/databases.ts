import { databaseInput } from '../../operations/database-input.js';
import { addDatabase } from '../../operations/databases.js';
import { rule } from '../rules.js';
import { defineService } from '../service.js';

const f = databaseInput.shape;

export const addNewDatabaseConfig = defineService({
  name: 'App.DB_MsSQL_Config.AddNewDatabaseConfig',
  summary: 'Registers a database of the app under db_mark, once it answers; answers db_mark, db_type and table_prefix.',
  params: {
    db_mark: rule(f.dbMark, 'the short name callers use instead of the database name (letters, digits, _)'),
    // The platform's form preselects SQL Server.
    db_type: rule(f.engine.default('mssql'), 'mssql (SQL Server) or mysql (MySQL/MariaDB)'),
    db_host: rule(f.host, 'host name or IP address'),
    db_port: rule(f.port, '1433 for mssql, 3306 for mysql when absent'),
    db_user: rule(f.user, 'login'),
    db_password: rule(f.password, 'password, sealed at rest and never answered'),
    db_name: rule(f.name, 'database name, never answered'),
    table_prefix: rule(f.tablePrefix, 'put in front of every model_name on this db_mark'),
  },
  run: async (ctx, p) => {
    const db = await addDatabase(ctx, {
      dbMark: p.db_mark,
      engine: p.db_type,
      host: p.db_host,
      port: p.db_port,
      user: p.db_user,
      password: p.db_password,
      name: p.db_name,
      tablePrefix: p.table_prefix,
    });
    return { db_mark: db.dbMark, db_type: db.engine, table_prefix: db.tablePrefix };
  },
});
