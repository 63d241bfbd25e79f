/** Reading a request body with a size limit and strict UTF-8, shared by both faces. */
import { refuse } from './errors.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

export async function readBody(request: Request, limit: number): Promise<Uint8Array<ArrayBuffer>> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > limit) throw refuse('BODY_TOO_LARGE', { limit });
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
      throw refuse('BODY_TOO_LARGE', { limit });
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

/**
 * Strict UTF-8 text of a body. Like every UTF-8 decoder of the Encoding standard it drops one
 * leading byte order mark (JSON.parse would refuse it); `rawText` puts it back.
 */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw refuse('NOT_UTF8');
  }
}

const BOM = '\uFEFF';

/** `text` (decodeUtf8 of `bytes`) with the byte order mark `bytes` starts with, if any: the text of every byte sent. */
export function rawText(bytes: Uint8Array, text: string): string {
  return bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? BOM + text : text;
}

/** `rawText`'s text without its byte order mark: what JSON.parse reads. */
export function withoutBom(text: string): string {
  return text.startsWith(BOM) ? text.slice(1) : text;
}
