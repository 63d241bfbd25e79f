/**
 * Files yesgraph serves itself (the playground's, the example frontend's build): GET and HEAD
 * only, a content type from the name, an ETag answered with 304, gzip when the client takes it,
 * and `nosniff`. A file under a directory is found only by a plain relative path: no `..`, no
 * dot-files, no backslashes or NULs, and nothing that resolves (symbolic links included) outside
 * the directory.
 */
import { createHash } from 'node:crypto';
import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';
import { promisify } from 'node:util';
import { gzip as gzipCb } from 'node:zlib';
import { message } from '../errors.js';

const gzip = promisify(gzipCb);

export interface StaticFile {
  readonly body: Uint8Array;
  readonly type: string;
  readonly etag: string;
  readonly cacheControl: string;
  /** Computed on first use, then kept with the file. */
  gzipped?: Promise<Uint8Array>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export function contentTypeOf(name: string): string {
  return TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream';
}

/** Worth compressing: text of some size. */
function compressible(file: StaticFile): boolean {
  return file.body.byteLength >= 1024 && /^(text\/|application\/json|image\/svg)/.test(file.type);
}

export function staticFile(body: Uint8Array | string, type: string, cacheControl = 'no-cache'): StaticFile {
  const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
  const etag = `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 22)}"`;
  return { body: bytes, type, etag, cacheControl };
}

export function plainText(status: number, text: string, headers: Record<string, string> = {}): Response {
  return new Response(text, {
    status,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff', 'cache-control': 'no-store', ...headers },
  });
}

export function methodNotAllowed(): Response {
  return plainText(405, message('FILE_METHOD_NOT_ALLOWED'), { allow: 'GET, HEAD' });
}

export function notFound(): Response {
  return plainText(404, message('FILE_NOT_FOUND'));
}

function takesGzip(request: Request): boolean {
  return /\bgzip\b/i.test(request.headers.get('accept-encoding') ?? '');
}

/** The answer to a GET or HEAD of `file`. */
export async function answerFile(request: Request, file: StaticFile): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return methodNotAllowed();
  const headers: Record<string, string> = {
    'content-type': file.type,
    etag: file.etag,
    'cache-control': file.cacheControl,
    'x-content-type-options': 'nosniff',
  };
  const zip = compressible(file);
  if (zip) headers.vary = 'accept-encoding';
  const known = request.headers.get('if-none-match');
  if (known && known.split(',').some((t) => t.trim() === file.etag)) return new Response(null, { status: 304, headers });
  let body = file.body;
  if (zip && takesGzip(request)) {
    file.gzipped ??= gzip(file.body).then((b) => new Uint8Array(b));
    body = await file.gzipped;
    headers['content-encoding'] = 'gzip';
  }
  headers['content-length'] = String(body.byteLength);
  return new Response(request.method === 'HEAD' ? null : (body as Uint8Array<ArrayBuffer>), { status: 200, headers });
}

/** `path` (URL-encoded, relative to a directory) as plain segments, or null when it is not a plain path. */
export function plainPath(path: string): string[] | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return null;
  }
  if (/[\\\0]/.test(decoded)) return null;
  const segments = decoded.split('/').filter((s) => s !== '');
  if (segments.some((s) => s.startsWith('.'))) return null;
  return segments;
}

/**
 * A file of the directory `root` (an absolute path) read from disk, kept while its size and
 * modification time stay the same. Null when there is no such plain file.
 */
export function directoryFiles(root: string, cacheControlOf: (segments: string[]) => string) {
  const cache = new Map<string, { mtimeMs: number; size: number; file: StaticFile }>();
  return async function read(segments: string[]): Promise<StaticFile | null> {
    try {
      const realRoot = await realpath(root);
      const full = await realpath(join(realRoot, ...segments));
      if (!full.startsWith(realRoot + sep)) return null;
      const info = await stat(full);
      if (!info.isFile()) return null;
      const kept = cache.get(full);
      if (kept && kept.mtimeMs === info.mtimeMs && kept.size === info.size) return kept.file;
      const file = staticFile(new Uint8Array(await readFile(full)), contentTypeOf(full), cacheControlOf(segments));
      cache.set(full, { mtimeMs: info.mtimeMs, size: info.size, file });
      return file;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return null;
      throw err;
    }
  };
}
