/**
 * The access log: one line per request (YESGRAPH_ACCESS_LOG=1), at info level, written after
 * the answer is ready. A face fills in what it learned about the call; secrets never appear.
 */
import type { Logger } from '../logger.js';

/** What a face learned about one call, for its access-log line. */
export interface AccessNote {
  /** The legacy service, e.g. `App.Hello.World`. */
  service?: string;
  /** The envelope's `ret` (legacy) or the GraphQL refusal's. */
  ret?: number;
  errCode?: number;
  /** The calling app's key, once known. */
  app?: string;
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
