/**
 * Asynchronous tasks on the legacy face: App.Task.Get (seed 000: `task_id` its only business
 * parameter), App.Task.GetList and App.Task.Cancel, and App.Table.FreeExport, which answers the
 * queued task's id at once. A task is the app's, and the signed-in member's when one started it.
 */
import { databaseExportInput, startDatabaseExport } from '../../operations/tasks/database-export.js';
import { exportInput, startTableExport } from '../../operations/tasks/export.js';
import { cancelTask, getTask, listTasks, taskIdInput, taskListInput, type TaskView } from '../../operations/tasks/tasks.js';
import { parseOrder, parseSelect, readWhere } from '../../where/index.js';
import { rule } from '../rules.js';
import { defineService } from '../service.js';
import { tableRules } from './table.js';
import { text } from '../../operations/input.js';

/** A task as the legacy face answers it, in snake_case. */
export function taskAnswer(v: TaskView): Record<string, unknown> {
  return {
    task_id: v.taskId,
    kind: v.kind,
    status: v.status,
    progress: v.progress,
    result: v.result,
    error: v.error,
    attempts: v.attempts,
    created_at: v.createdAt,
    started_at: v.startedAt,
    finished_at: v.finishedAt,
  };
}

const taskId = rule(taskIdInput.shape.taskId, 'the id App.Table.FreeExport (or another task) answered');

export const taskGetService = defineService({
  name: 'App.Task.Get',
  summary: 'The state of an asynchronous task: status, progress (0–100), result (an export’s signed download url) or error.',
  params: { task_id: taskId },
  run: async (ctx, p) => taskAnswer(await getTask(ctx, p.task_id)),
});

export const taskGetListService = defineService({
  name: 'App.Task.GetList',
  summary: 'The newest tasks the caller may see: the app’s ownerless tasks and the signed-in member’s.',
  params: { limit: rule(taskListInput.shape.limit, 'how many, newest first') },
  run: async (ctx, p) => ({ list: (await listTasks(ctx, p.limit)).map(taskAnswer) }),
});

export const taskCancelService = defineService({
  name: 'App.Task.Cancel',
  summary: 'Cancels a queued or running task (a running export stops at its next chunk); err_code 2 once it has ended.',
  params: { task_id: taskId },
  run: async (ctx, p) => taskAnswer(await cancelTask(ctx, p.task_id)),
});

const f = exportInput.shape;

export const tableFreeExportService = defineService({
  name: 'App.Table.FreeExport',
  summary: 'Exports the matching rows of a hosted table to a CSV or JSON-lines file, as a task: answers task_id at once; App.Task.Get gives progress and the download url.',
  params: {
    ...tableRules,
    model_uuid: rule(f.modelUuid, "rows of this owner's uuid; empty: guest rows only; absent or @NULL: any owner"),
    logic: rule(text().optional(), 'and (default) or or, joining the conditions'),
    where: rule(text().optional(), 'JSON conditions, e.g. [["state", "=", 0]]; where_X parameters take precedence'),
    select: rule(text().optional(), 'comma-separated columns to write, in this order; every column when absent'),
    order: rule(text().optional(), 'JSON array, e.g. ["add_time DESC"]; id ascending by default (no random order)'),
    format: rule(f.format, 'csv (a header line, then RFC 4180 lines) or jsonl (one JSON object per line)'),
  },
  async run(ctx, p, raw) {
    const task = await startTableExport(ctx, {
      modelName: p.model_name,
      modelUuid: p.model_uuid,
      checkCode: p.check_code,
      where: readWhere(raw),
      select: parseSelect(p.select, 'select'),
      order: parseOrder(p.order, 'order'),
      format: p.format,
    });
    return { task_id: task.id, status: task.status };
  },
});

export const databaseFreeExportService = defineService({
  name: 'App.DB_MsSQL_Data.FreeExport',
  summary: 'Exports the matching rows of a table of a registered database (it needs an integer id) to a CSV or JSON-lines file, as a task: answers task_id at once.',
  params: {
    model_name: rule(databaseExportInput.shape.modelName, 'table name, without the table_prefix of the db_mark'),
    db_mark: rule(databaseExportInput.shape.dbMark, 'a database registered with App.DB_MsSQL_Config.AddNewDatabaseConfig'),
    logic: rule(text().optional(), 'and (default) or or, joining the conditions'),
    where: rule(text().optional(), 'JSON conditions, e.g. [["id", ">=", 1]]; where_X parameters take precedence'),
    select: rule(text().optional(), 'comma-separated columns to write, in this order; every column when absent'),
    order: rule(text().optional(), 'JSON array, e.g. ["id DESC"]; id ascending by default (no random order)'),
    format: rule(f.format, 'csv (a header line, then RFC 4180 lines) or jsonl (one JSON object per line)'),
  },
  async run(ctx, p, raw) {
    const task = await startDatabaseExport(ctx, {
      dbMark: p.db_mark,
      modelName: p.model_name,
      where: readWhere(raw),
      select: parseSelect(p.select, 'select'),
      order: parseOrder(p.order, 'order'),
      format: p.format,
    });
    return { task_id: task.id, status: task.status };
  },
});

export const TASK_SERVICES = [taskGetService, taskGetListService, taskCancelService, tableFreeExportService, databaseFreeExportService];
