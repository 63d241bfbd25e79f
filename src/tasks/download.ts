/**
 * Download links of export files: `/tasks/<task id>/file?expires=<unix seconds>&sig=<hex>`,
 * where sig is HMAC-SHA256 under the instance's secret key of `<task id>.<expires>`. Any
 * instance sharing the key (and the task directory) serves it; a link whose signature does not
 * match, or whose time has passed, is refused with 403, without saying which.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { Config } from '../config.js';
import { message } from '../errors.js';
import { EXPORT_CONTENT_TYPE } from '../operations/tasks/export-format.js';
import { EXPORT_FORMATS, type ExportFormat } from '../operations/tasks/export.js';

export const DOWNLOAD_PATH = /^\/tasks\/([0-9a-f]{32})\/file$/;

function signature(secret: string, taskId: string, expires: number): string {
  return createHmac('sha256', secret).update(`${taskId}.${expires}`).digest('hex');
}

/** The signed path (with query) of a task's file, valid until `expires` (unix seconds). */
export function downloadPath(secret: string, taskId: string, expires: number): string {
  return `/tasks/${taskId}/file?expires=${expires}&sig=${signature(secret, taskId, expires)}`;
}

/** True when the link is the one yesgraph signed and has not expired. */
export function linkValid(secret: string, taskId: string, expiresText: string | null, sig: string | null, now = Date.now()): boolean {
  if (!expiresText || !/^\d{1,12}$/.test(expiresText) || !sig || !/^[0-9a-f]{64}$/.test(sig)) return false;
  const expires = Number(expiresText);
  const expected = Buffer.from(signature(secret, taskId, expires), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(sig, 'hex'))) return false;
  return expires * 1000 > now;
}

/** The file of a finished export in the task directory. */
export function exportFile(config: Pick<Config, 'taskDir'>, taskId: string, format: ExportFormat): string {
  return join(config.taskDir, `${taskId}.${format}`);
}

/** The name of a finished export's file (`exportFile`), with its task id in group 1. */
export const EXPORT_FILE_NAME = new RegExp(`^([0-9a-f]{32})\\.(?:${EXPORT_FORMATS.join('|')})$`);

function refusal(status: number, text: string): Response {
  return new Response(JSON.stringify({ error: text }), { status, headers: { 'content-type': 'application/json; charset=utf-8' } });
}

/** Serves a download link: the file, or 403 for a bad or expired link, 404 when the file is gone. */
export async function downloadResponse(config: Pick<Config, 'taskDir' | 'secretKey'>, request: Request): Promise<Response> {
  const url = new URL(request.url);
  const taskId = DOWNLOAD_PATH.exec(url.pathname)?.[1];
  if (request.method !== 'GET' && request.method !== 'HEAD') return refusal(405, message('FILE_METHOD_NOT_ALLOWED'));
  if (!taskId || !linkValid(config.secretKey, taskId, url.searchParams.get('expires'), url.searchParams.get('sig'))) return refusal(403, message('DOWNLOAD_REFUSED'));
  for (const format of Object.keys(EXPORT_CONTENT_TYPE) as ExportFormat[]) {
    const file = exportFile(config, taskId, format);
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) continue;
    const headers = {
      'content-type': EXPORT_CONTENT_TYPE[format],
      'content-length': String(info.size),
      'content-disposition': `attachment; filename="${taskId}.${format}"`,
      'cache-control': 'private, no-store',
    };
    if (request.method === 'HEAD') return new Response(null, { status: 200, headers });
    return new Response(Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>, { status: 200, headers });
  }
  return refusal(404, message('DOWNLOAD_GONE'));
}
