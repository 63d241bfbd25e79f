/**
 * The export kinds (`table-export`: App.Table.FreeExport; `database-export`:
 * App.DB_MsSQL_Data.FreeExport): the rows of the plan, chunk by chunk, into a file of the task
 * directory. After each chunk the bytes are synced, then the checkpoint (last key, rows
 * and bytes written, the part file) is saved: a run that resumes copies the part file cut to
 * the checkpoint's length and goes on after its key, so a crash (SIGKILL) mid-export still
 * leaves every row exactly once. Each run writes its own part file, so a worker that lost its
 * lease cannot write into its successor's. The finished file is renamed into place.
 */
import { copyFile, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { sqlDateTime } from '../db/datetime.js';
import { exportHeader, exportLines } from '../operations/tasks/export-format.js';
import { planDatabaseExport, type DatabaseExportParams } from '../operations/tasks/database-export.js';
import { countExport, EXPORT_CHUNK, planExport, readExportChunk, type ExportParams, type ExportPlan } from '../operations/tasks/export.js';
import { downloadPath, exportFile } from './download.js';
import { TaskLost, type TaskRun } from './run.js';

interface Checkpoint {
  /** Key of the last row written; null before the first. */
  readonly after: Record<string, string | number | null> | null;
  readonly rows: number;
  readonly bytes: number;
  readonly total: number;
  /** The part file these bytes are in. */
  readonly part: string;
}

export interface ExportResult {
  readonly format: ExportParams['format'];
  readonly rows: number;
  readonly bytes: number;
  /** The signed download path (prepend the server's origin). */
  readonly url: string;
  readonly expires_at: string;
}

function isCheckpoint(v: unknown): v is Checkpoint {
  return !!v && typeof v === 'object' && typeof (v as Checkpoint).part === 'string' && typeof (v as Checkpoint).bytes === 'number';
}

/** The file handle positioned at the checkpoint, resumed from the previous run's part file when it is whole enough. */
async function resume(dir: string, part: string, cp: Checkpoint): Promise<FileHandle | null> {
  const previous = join(dir, cp.part);
  try {
    if (cp.part !== part) await copyFile(previous, join(dir, part));
    const fh = await open(join(dir, part), 'r+');
    if ((await fh.stat()).size < cp.bytes) {
      await fh.close();
      return null;
    }
    await fh.truncate(cp.bytes);
    if (cp.part !== part) await rm(previous, { force: true });
    return fh;
  } catch {
    return null;
  }
}

/** The file a run writes until it is whole: one per task and attempt. */
const partName = (taskId: string, attempt: number): string => `${taskId}.${attempt}.part`;

/** The name of a part file (`partName`), with its task id in group 1. */
export const PART_FILE_NAME = /^([0-9a-f]{32})\.\d+\.part$/;

export const runTableExport = async (run: TaskRun): Promise<ExportResult> => runExport(run, await planExport(run.ctx, run.task.params as ExportParams));

export const runDatabaseExport = async (run: TaskRun): Promise<ExportResult> => runExport(run, await planDatabaseExport(run.ctx, run.task.params as DatabaseExportParams));

async function runExport(run: TaskRun, plan: ExportPlan): Promise<ExportResult> {
  const { task, config } = run;
  const params = task.params as Pick<ExportParams, 'format'>;
  const part = partName(task.id, task.attempts);
  const saved = isCheckpoint(task.checkpoint) ? task.checkpoint : null;
  let fh = saved ? await resume(config.taskDir, part, saved) : null;
  let state: Checkpoint;
  if (fh && saved) state = { ...saved, part };
  else {
    fh = await open(join(config.taskDir, part), 'w');
    const header = Buffer.from(exportHeader(params.format, plan.columns));
    await fh.write(header, 0, header.length, 0);
    state = { after: null, rows: 0, bytes: header.length, total: await countExport(plan), part };
  }
  try {
    for (;;) {
      const chunk = await readExportChunk(plan, state.after);
      if (!chunk.rows.length) break;
      const bytes = Buffer.from(exportLines(params.format, plan.columns, chunk.rows));
      await fh.write(bytes, 0, bytes.length, state.bytes);
      await fh.datasync();
      state = { ...state, after: chunk.last, rows: state.rows + chunk.rows.length, bytes: state.bytes + bytes.length };
      await run.checkpoint(state.total ? Math.min(99, Math.floor((state.rows * 100) / state.total)) : 99, state);
      if (chunk.rows.length < EXPORT_CHUNK) break;
    }
    await fh.close();
  } catch (err) {
    await fh.close().catch(() => undefined);
    if (err instanceof TaskLost) await rm(join(config.taskDir, part), { force: true });
    throw err;
  }
  await rename(join(config.taskDir, part), exportFile(config, task.id, params.format));
  const expires = Math.floor(Date.now() / 1000) + config.exportLinkSeconds;
  return {
    format: params.format,
    rows: state.rows,
    bytes: state.bytes,
    url: downloadPath(config.secretKey, task.id, expires),
    expires_at: sqlDateTime(new Date(expires * 1000)),
  };
}
