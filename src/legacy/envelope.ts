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

export function envelopeBody(e: EnvelopeInput): string {
  const data = JSON.stringify(e.data);
  if (e.dataOnly) return data;
  const t = Math.floor((e.now ?? new Date()).getTime() / 1000);
  const auth = e.secret === null ? '' : md5(data + String(t) + e.secret);
  return `{"ret":${e.ret},"data":${data},"msg":${JSON.stringify(e.msg)},"_t":${t},"_auth":"${auth}"}`;
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
