/**
 * The fields of a database registration (App.DB_MsSQL_Config.AddNewDatabaseConfig, GraphQL
 * `addDatabase`), declared once for both faces; `db_mark` is also how every direct-connect
 * service names the database.
 */
import { z } from 'zod';
import { int, text } from './input.js';

export const databaseInput = z.object({
  /** The short name callers use instead of the database name. */
  dbMark: text({ min: 1, max: 64 }),
  engine: z.enum(['mssql', 'mysql']),
  host: text({ min: 1, max: 253 }),
  /** The engine's usual port when absent. */
  port: int({ min: 1, max: 65535 }).optional(),
  user: text({ min: 1, max: 128 }),
  password: text({ max: 256 }).default(''),
  /** The real database name: never shown again after registration. */
  name: text({ min: 1, max: 128 }),
  /** Put in front of every model_name on this db_mark. */
  tablePrefix: text({ max: 32 }).default(''),
});

export type DatabaseInput = z.output<typeof databaseInput>;
