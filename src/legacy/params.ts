/**
 * Parameter intake of the legacy face (docs/PROTOCOL.md §1): the query string merged with an
 * urlencoded, multipart or JSON body; a body value wins over a query value of the same name.
 * Every value is a decoded string. Bytes that are not UTF-8, a body over the limit, malformed or
 * too deeply nested JSON and one name given twice with different values are refused with a 400.
 */
import { decodeUtf8 } from '../body.js';
import type { LegacyRequest } from './request.js';
import { checkJsonDepth } from '../json.js';
import { refuse } from '../errors.js';

export type Params = Map<string, string>;

const ENCODED = /[%+]/;

function decodeComponent(s: string): string {
  if (!ENCODED.test(s)) return s;
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    throw refuse('NOT_UTF8');
  }
}

function put(target: Params, name: string, value: string): void {
  const prev = target.get(name);
  if (prev !== undefined && prev !== value) throw refuse('PARAM_REPEATED', { name });
  target.set(name, value);
}

const asIs = (part: string): string => part;

/**
 * Strict `a=1&b=2` decoding: invalid percent-escapes or UTF-8 are an error, not U+FFFD. The pairs
 * are walked with indexOf rather than split (which leaves JIT code for V8's runtime, about 2 % of a
 * legacy Hello's CPU), each character looked at once; text without `%` or `+` is taken as it is,
 * tested once rather than part by part.
 */
export function parseUrlEncoded(text: string, into: Params = new Map()): Params {
  const decode = ENCODED.test(text) ? decodeComponent : asIs;
  /** The first `=` from the pair's start on, or the text's length: found once, kept while it lies ahead. */
  let eq = -1;
  for (let at = 0; at < text.length; ) {
    let end = text.indexOf('&', at);
    if (end < 0) end = text.length;
    if (eq < at) {
      eq = text.indexOf('=', at);
      if (eq < 0) eq = text.length;
    }
    const hasValue = eq < end;
    const name = decode(text.slice(at, hasValue ? eq : end));
    const value = hasValue ? decode(text.slice(eq + 1, end)) : '';
    if (name) put(into, name, value);
    at = end + 1;
  }
  return into;
}

/** A JSON body's values become strings; nested objects and arrays become their JSON text. */
function fromJson(text: string, into: Params): void {
  checkJsonDepth(text);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw refuse('BODY_NOT_JSON');
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw refuse('BODY_NOT_OBJECT');
  for (const [name, v] of Object.entries(body)) {
    if (v === null || v === undefined) continue;
    put(into, name, typeof v === 'object' ? JSON.stringify(v) : String(v));
  }
}

async function fromMultipart(bytes: Uint8Array<ArrayBuffer>, contentType: string, into: Params): Promise<void> {
  let form: FormData;
  try {
    form = await new Response(bytes, { headers: { 'content-type': contentType } }).formData();
  } catch {
    throw refuse('BODY_NOT_MULTIPART');
  }
  for (const [name, v] of form.entries()) {
    // Files are not parameters of any service; their text is ignored.
    if (typeof v === 'string') put(into, name, v);
  }
}

/**
 * Reads every parameter of a legacy call: `query` (the parsed query string) with the body's
 * parameters laid over it. Throws ProtocolError(400) on a malformed body.
 */
export async function readParams(request: LegacyRequest, query: Params, bodyLimit: number): Promise<Params> {
  if (request.method === 'GET' || request.method === 'HEAD') return query;

  const bytes = await request.body(bodyLimit);
  const body: Params = new Map();
  const contentType = (request.header('content-type') ?? '').toLowerCase();
  if (bytes.byteLength > 0) {
    if (contentType.startsWith('multipart/form-data')) {
      decodeUtf8(bytes);
      await fromMultipart(bytes, request.header('content-type')!, body);
    } else if (contentType.includes('json')) {
      fromJson(decodeUtf8(bytes), body);
    } else {
      // urlencoded, and bodies without a content type as SDKs send them.
      parseUrlEncoded(decodeUtf8(bytes).trim(), body);
    }
  }
  for (const [name, value] of body) query.set(name, value);
  return query;
}
