/**
 * Asynchronous tasks on the GraphQL face: `task(id)` and `tasks(limit)` (App.Task.Get, GetList),
 * `cancelTask(id)` (App.Task.Cancel) and `exportTable` (App.Table.FreeExport), which answers the
 * queued task at once; poll `task(id)` for progress and, once succeeded, `downloadUrl`.
 */
import { GraphQLError, Kind, type GraphQLResolveInfo } from 'graphql';
import type { OperationContext } from '../operations/context.js';
import { databaseExportInput, startDatabaseExport } from '../operations/tasks/database-export.js';
import { exportInput, startTableExport, type ExportFormat } from '../operations/tasks/export.js';
import { cancelTask, getTask, listTasks, taskIdInput, taskListInput, viewOf, type TaskView } from '../operations/tasks/tasks.js';
import { TASK_STATUSES } from '../records/tasks.js';
import { defaultOf } from './args.js';
import { builder } from './builder.js';
import { BusinessError } from './business-error.js';
import { ConditionsInput, OrderByInput, orderOf, whereOf } from './conditions.js';
import { opOf, type GraphQLContext } from './context.js';
import { callsOf } from './guard.js';

const TaskStatus = builder.enumType('TaskStatus', {
  values: Object.fromEntries(TASK_STATUSES.map((s) => [s.toUpperCase(), { value: s }])) as Record<Uppercase<TaskView['status']>, { value: TaskView['status'] }>,
});

const ExportFormatEnum = builder.enumType('ExportFormat', {
  values: { CSV: { value: 'csv' as ExportFormat, description: 'A header line, then RFC 4180 lines.' }, JSONL: { value: 'jsonl' as ExportFormat, description: 'One JSON object per line.' } } as const,
});

const urlOf = (v: TaskView): string | null => {
  const r = v.result as { url?: unknown } | null;
  return r && typeof r.url === 'string' ? r.url : null;
};

const TaskRef = builder.objectRef<TaskView>('Task').implement({
  description: 'An asynchronous task (an export): its state as App.Task.Get answers it.',
  fields: (t) => ({
    id: t.string({ resolve: (v) => v.taskId }),
    kind: t.exposeString('kind', { description: 'table-export (exportTable) or database-export (exportDatabaseTable).' }),
    status: t.field({ type: TaskStatus, resolve: (v) => v.status }),
    progress: t.exposeInt('progress', { description: '0–100; never goes down.' }),
    result: t.field({ type: 'JSON', nullable: true, description: 'Once succeeded: an export’s format, rows, bytes, url, expires_at.', resolve: (v) => v.result ?? null }),
    downloadUrl: t.string({ nullable: true, description: 'Once an export succeeded: its signed download path, valid until result.expires_at.', resolve: urlOf }),
    error: t.exposeString('error', { nullable: true }),
    attempts: t.exposeInt('attempts'),
    createdAt: t.exposeString('createdAt'),
    startedAt: t.exposeString('startedAt', { nullable: true }),
    finishedAt: t.exposeString('finishedAt', { nullable: true }),
  }),
});

builder.queryField('task', (t) =>
  t.field({
    type: TaskRef,
    description: 'App.Task.Get: a task of the app (and of the signed-in member, when a member started it).',
    errors: { types: [BusinessError] },
    args: { id: t.arg.string({ required: true, validate: taskIdInput.shape.taskId }) },
    resolve: (_root, args, ctx) => getTask(opOf(ctx), args.id),
  }),
);

builder.queryField('tasks', (t) =>
  t.field({
    type: [TaskRef],
    description: 'App.Task.GetList: the newest tasks the caller may see.',
    args: { limit: t.arg.int({ defaultValue: defaultOf(taskListInput.shape.limit), validate: taskListInput.shape.limit }) },
    resolve: (_root, args, ctx) => listTasks(opOf(ctx), args.limit ?? 20),
  }),
);

builder.mutationField('cancelTask', (t) =>
  t.field({
    type: TaskRef,
    description: 'App.Task.Cancel: cancels a queued or running task; BusinessError 2 once it has ended.',
    errors: { types: [BusinessError] },
    args: { id: t.arg.string({ required: true, validate: taskIdInput.shape.taskId }) },
    resolve: (_root, args, ctx) => cancelTask(opOf(ctx), args.id),
  }),
);

const f = exportInput.shape;

builder.mutationField('exportTable', (t) =>
  t.field({
    type: TaskRef,
    description: 'App.Table.FreeExport: queues an export of the matching rows of a hosted table and answers the task at once.',
    errors: { types: [BusinessError] },
    args: {
      table: t.arg.string({ required: true, validate: f.modelName }),
      where: t.arg({ type: ConditionsInput }),
      order: t.arg({ type: [OrderByInput], description: 'id ascending by default; no random order.' }),
      select: t.arg.stringList({ description: 'Columns to write, in this order; all when absent.' }),
      format: t.arg({ type: ExportFormatEnum, defaultValue: defaultOf(f.format) as ExportFormat }),
      modelUuid: t.arg.string({ validate: f.modelUuid }),
      checkCode: t.arg.string({ validate: f.checkCode }),
    },
    resolve: async (_root, args, ctx) =>
      viewOf(
        await startTableExport(opOf(ctx), {
          modelName: args.table,
          modelUuid: args.modelUuid ?? undefined,
          checkCode: args.checkCode ?? undefined,
          where: whereOf(args.where),
          select: args.select ?? null,
          order: orderOf(args.order),
          format: args.format ?? 'csv',
        }),
      ),
  }),
);

builder.mutationField('exportDatabaseTable', (t) =>
  t.field({
    type: TaskRef,
    description: 'App.DB_MsSQL_Data.FreeExport: queues an export of the matching rows of a table of a registered database (it needs an integer id) and answers the task at once.',
    errors: { types: [BusinessError] },
    args: {
      db: t.arg.string({ required: true, description: 'The db_mark.', validate: databaseExportInput.shape.dbMark }),
      table: t.arg.string({ required: true, description: 'The model_name (table_prefix is added).', validate: databaseExportInput.shape.modelName }),
      where: t.arg({ type: ConditionsInput }),
      order: t.arg({ type: [OrderByInput], description: 'id ascending by default; no random order.' }),
      select: t.arg.stringList({ description: 'Columns to write, in this order; all when absent.' }),
      format: t.arg({ type: ExportFormatEnum, defaultValue: defaultOf(f.format) as ExportFormat }),
    },
    resolve: async (_root, args, ctx) =>
      viewOf(
        await startDatabaseExport(opOf(ctx), {
          dbMark: args.db,
          modelName: args.table,
          where: whereOf(args.where),
          select: args.select ?? null,
          order: orderOf(args.order),
          format: args.format ?? 'csv',
        }),
      ),
  }),
);

builder.subscriptionType({});

builder.subscriptionField('taskProgress', (t) =>
  t.field({
    type: TaskRef,
    description:
      'The task each time its status or progress changes, until it ends (server-sent events: POST with `accept: text/event-stream`). Read from the main store each time word comes that the task moved (over Redis between instances when REDIS_URL is set) and every few seconds anyway, so it follows a task whichever instance runs it. An unknown task, or one the caller may not see, is an error.',
    args: { id: t.arg.string({ required: true, validate: taskIdInput.shape.taskId }) },
    subscribe: (_root, args, ctx, info) => progressOf(subscriberOf(ctx, info), args.id),
    resolve: (v) => v,
  }),
);

/**
 * The caller of a subscription. The app guard plugin admits queries and mutations as they
 * execute; a subscription is admitted here, through the same chain, when the plugin has not.
 */
async function subscriberOf(ctx: GraphQLContext, info: GraphQLResolveInfo): Promise<OperationContext> {
  if ('pending' in ctx.guard) return ctx.guard.pending.enter(callsOf(info.schema, { kind: Kind.DOCUMENT, definitions: [info.operation] }));
  return opOf(ctx);
}

async function* progressOf(caller: Promise<OperationContext>, id: string): AsyncGenerator<TaskView> {
  const op = await caller;
  let last = '';
  for (;;) {
    let v: TaskView;
    try {
      v = await getTask(op, id);
    } catch (err) {
      // A stream has no result union: the business failure is its error, in the legacy words.
      if (err instanceof BusinessError) throw new GraphQLError(err.message, { extensions: { code: 'BUSINESS_ERROR', errCode: err.code } });
      throw err;
    }
    const key = `${v.status}:${v.progress}`;
    if (key !== last) yield v;
    last = key;
    if (v.status !== 'queued' && v.status !== 'running') return;
    await op.taskChanges.changed(id);
  }
}
