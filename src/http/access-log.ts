/**
 * The access log: one line per request (YESGRAPH_ACCESS_LOG=1), at info level, written after
 * the answer is ready. A face fills in what it learned about the call in an AccessNote; the same
 * note feeds the metrics and the call log (src/http/call-record.ts). Secrets never appear.
 */
import type { Logger } from '../logger.js';

/** One GraphQL operation of a request (a batch has several), as src/graphql/operation-notes.ts saw it. */
export interface OperationNote {
  /** `query Thread`; an anonymous operation is named by its root fields (`query hello,me`); null before it parsed. */
  service: string | null;
  /** The metrics label: the operation type and its one root field, `query (several)`, or `unknown`. */
  label: string;
  ret: number;
  /** The signed-in member the operation ran as. */
  member?: string;
}

/** What a face learned about one call, for its access-log line, the metrics and the call log. */
export interface AccessNote {
  /** The legacy service, e.g. `App.Hello.World`. */
  service?: string;
  /** The envelope's `ret` (legacy) or the GraphQL refusal's. */
  ret?: number;
  errCode?: number;
  /** The calling app's key, once known. */
  app?: string;
  /** The caller's IP as the guards took it (the socket, or X-Forwarded-For from a trusted proxy). */
  ip?: string;
  /** The signed-in member's uuid. */
  member?: string;
  /** GraphQL: the request's operations, in order. */
  operations?: OperationNote[];
}

/**
 * A note with every field present from the start, whatever a face fills in later: every call's
 * note has one object shape, so the code that reads notes (the call record) stays monomorphic.
 */
export function newNote(app?: string): AccessNote {
  return { service: undefined, ret: undefined, errCode: undefined, app, ip: undefined, member: undefined, operations: undefined };
}

/** An operation's note, with every field present from the start (one shape, as newNote). */
export function operationNote(service: string | null, label: string, ret: number): OperationNote {
  return { service, label, ret, member: undefined };
}

export function logAccess(log: Logger, method: string, pathname: string, status: number, startedAt: number, note: AccessNote): void {
  log.info(
    {
      method,
      path: pathname,
      status,
      ...note,
      ms: Math.round((performance.now() - startedAt) * 10) / 10,
    },
    'request',
  );
}
