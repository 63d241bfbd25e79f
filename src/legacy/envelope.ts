/**
 * The legacy answer: `{"ret","data","msg","_t","_auth"}` (docs/PROTOCOL.md §3). `_auth` is the md5 of
 * the `data` member exactly as serialized in this body, then `_t`, then the app secret.
 */
import { md5 } from '../crypto.js';
import { message } from '../errors.js';

export interface EnvelopeInput {
  readonly ret: number;
  readonly data: Record<string, unknown>;
  readonly msg: string;
  /** The app's secret when the app is known and `_auth` is on; otherwise `_auth` is ''. */
  readonly secret: string | null;
  /** `return_data=1`: the body is only `data`. */
  readonly dataOnly: boolean;
  readonly now?: Date;
}

/**
 * From this length of `data` (in UTF-16 units) the answer is encoded in three parts. `data` is
 * mostly ASCII, and alone it stays a one-byte string that encodes fast; joined to a `msg` in
 * Chinese, the whole body would become a two-byte string, slower to measure and to encode (about
 * 10 µs more per request for a 13 KB answer over node:http). A shorter answer stays one string.
 */
const PARTS_FROM = 1024;

/** The last `msg` serialized, and its JSON: calls in a row mostly answer the same `msg`. */
let lastMsg = { msg: '', json: '""' };

function msgJson(msg: string): string {
  if (msg !== lastMsg.msg) lastMsg = { msg, json: JSON.stringify(msg) };
  return lastMsg.json;
}

/** The answer: its text, or from PARTS_FROM its UTF-8 bytes. */
export function envelopeBody(e: EnvelopeInput): string | Uint8Array<ArrayBuffer> {
  const data = JSON.stringify(e.data);
  if (e.dataOnly) return data;
  const t = Math.floor((e.now ? e.now.getTime() : Date.now()) / 1000);
  const auth = e.secret === null ? '' : md5(data + String(t) + e.secret);
  const head = `{"ret":${e.ret},"data":`;
  const tail = `,"msg":${msgJson(e.msg)},"_t":${t},"_auth":"${auth}"}`;
  if (data.length < PARTS_FROM) return head + data + tail;
  return Buffer.concat([Buffer.from(head, 'utf8'), Buffer.from(data, 'utf8'), Buffer.from(tail, 'utf8')]);
}

export function corsHeaders(origin: string | null): Record<string, string> {
  return {
    'access-control-allow-origin': origin ?? '*',
    'access-control-allow-methods': 'GET, POST, OPTIONS',
    'access-control-allow-headers': 'Content-Type, X-Requested-With',
    'access-control-max-age': '86400',
    vary: 'Origin',
  };
}

/** `msg` of a `ret=500`: only the error id under which the cause is logged. */
export function serverFaultMessage(errorId: string): string {
  return message('SERVER_FAULT', { errorId });
}
