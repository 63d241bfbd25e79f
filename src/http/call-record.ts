/**
 * What the server keeps of every finished call, from the AccessNote its face filled: the
 * access-log line (YESGRAPH_ACCESS_LOG=1), the Prometheus counters and latency histogram, and the
 * call log's rows, one per call and one per operation of a GraphQL batch. Nothing here waits:
 * the call log writes later, in batches (src/telemetry/call-log.ts).
 */
import { sqlNow } from '../db/datetime.js';
import { findService } from '../legacy/services/index.js';
import { CALL_LOG_LIMITS, type Face } from '../records/call-log.js';
import type { Runtime } from '../runtime.js';
import { logAccess, type AccessNote } from './access-log.js';

/** The label of a call that named no service yesgraph serves: callers cannot add series. */
const UNKNOWN = 'unknown';

const APP_KEY = /^[A-Za-z0-9]{32}$/;

interface Call {
  readonly service: string | null;
  readonly label: string;
  readonly ret: number;
  readonly errCode: number | null;
  readonly member?: string;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const SURROGATE = /[\uD800-\uDFFF]/;

/** Text cut to `max` characters, lone surrogates replaced (they cannot be stored as UTF-8). */
function clip(text: string | undefined | null, max: number): string | null {
  if (text === undefined || text === null || text === '') return null;
  const clean = SURROGATE.test(text) ? text.replace(LONE_SURROGATE, '\uFFFD') : text;
  return clean.length <= max ? clean : Array.from(clean).slice(0, max).join('');
}

/**
 * One call per envelope answered; a fault that escaped the face is its `ret=500` envelope. A
 * request answered without an envelope (a CORS preflight, a 405) is none.
 */
function legacyCalls(note: AccessNote, status: number): Call[] {
  if (note.ret === undefined && status !== 200) return [];
  return [
    {
      service: note.service ?? null,
      label: (note.service && findService(note.service)?.name) || UNKNOWN,
      ret: note.ret ?? 500,
      errCode: note.errCode ?? null,
    },
  ];
}

/**
 * One call per operation. A request refused before any operation was read (its body, a batch
 * over the cap) is one call; a page that runs nothing (GraphiQL, a preflight) is none.
 */
function graphqlCalls(note: AccessNote, status: number): Call[] {
  if (note.operations?.length) return note.operations.map((o) => ({ service: o.service, label: o.label, ret: o.ret, errCode: null, member: o.member }));
  if (status < 400) return [];
  return [{ service: null, label: UNKNOWN, ret: note.ret ?? (status >= 500 ? 500 : 400), errCode: null }];
}

export function recordCall(rt: Runtime, face: Face, method: string, pathname: string, status: number, startedAt: number, note: AccessNote): void {
  const seconds = (performance.now() - startedAt) / 1000;
  if (rt.config.accessLog) logAccess(rt.log, method, pathname, status, startedAt, note);
  const calls = face === 'legacy' ? legacyCalls(note, status) : graphqlCalls(note, status);
  if (!calls.length) return;
  const at = rt.calls.enabled ? sqlNow() : '';
  const appKey = note.app && APP_KEY.test(note.app) ? note.app : null;
  for (const call of calls) {
    rt.metrics.observeCall(face, call.label, call.ret, seconds);
    if (!rt.calls.enabled) continue;
    rt.calls.record({
      at,
      appKey,
      face,
      service: clip(call.service, CALL_LOG_LIMITS.service),
      ret: call.ret,
      errCode: call.errCode,
      durationUs: Math.round(seconds * 1e6),
      ip: clip(note.ip, CALL_LOG_LIMITS.ip),
      memberUuid: clip(call.member ?? note.member, CALL_LOG_LIMITS.memberUuid),
    });
  }
}
