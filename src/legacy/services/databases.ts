import { addDatabase } from '../../operations/databases.js';
import { int, oneOf, str } from '../rules.js';
import { defineService } from '../service.js';

export const addNewDatabaseConfig = defineService({
  name: 'App.DB_MsSQL_Config.AddNewDatabaseConfig',
  summary: 'Registers a database of the app under db_mark, once it answers; answers db_mark, db_type and table_prefix.',
  params: {
    db_mark: str({ required: true, min: 1, max: 64, description: 'the short name callers use instead of the database name (letters, digits, _)' }),
    db_type: oneOf(['mssql', 'mysql'], { default: 'mssql', description: 'mssql (SQL Server, default) or mysql (MySQL/MariaDB)' }),
    db_host: str({ required: true, min: 1, max: 253, description: 'host name or IP address' }),
    db_port: int({ min: 1, max: 65535, description: '1433 for mssql, 3306 for mysql when absent' }),
    db_user: str({ required: true, min: 1, max: 128, description: 'login' }),
    db_password: str({ default: '', max: 256, description: 'password, sealed at rest and never answered' }),
    db_name: str({ required: true, min: 1, max: 128, description: 'database name, never answered' }),
    table_prefix: str({ default: '', max: 32, description: 'put in front of every model_name on this db_mark' }),
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
