/** Reading a request body with a size limit and strict UTF-8, shared by both faces. */
import { badRequest } from './errors.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

export async function readBody(request: Request, limit: number): Promise<Uint8Array<ArrayBuffer>> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > limit) throw badRequest(`请求体不能超过${limit}字节`);
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw badRequest(`请求体不能超过${limit}字节`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw badRequest('参数不是合法的UTF-8编码');
  }
}

/** Deepest nesting of JSON arrays and objects accepted in a request body, on both faces. */
export const MAX_JSON_DEPTH = 64;

/**
 * Throws a 400 when `text` nests arrays or objects deeper than MAX_JSON_DEPTH. Checked before
 * parsing: what consumes parsed JSON (JSON.stringify, validators) recurses once per level.
 */
export function checkJsonDepth(text: string): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > MAX_JSON_DEPTH) throw badRequest(`JSON数据嵌套不能超过${MAX_JSON_DEPTH}层`);
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
}
