/**
 * The last resort for a failure nobody handled: a fresh error id, and the cause logged under it
 * even when the thrown value cannot be serialized (a throwing getter, a hostile proxy).
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger.js';

/** What can safely be said about a thrown value that the logger could not serialize. */
function describe(err: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = { type: typeof err };
  try {
    if (err instanceof Error) {
      out.name = String(err.name);
      out.message = String(err.message);
      out.stack = String(err.stack);
    } else out.value = String(err);
  } catch {
    out.value = '[unserializable]';
  }
  return out;
}

/** Logs `err` under a new error id and returns the id; never throws. */
export function logFault(log: Logger, err: unknown, msg: string): string {
  const errorId = randomUUID();
  try {
    // JSON logs drop an undefined member: say what was thrown.
    log.error({ err: err === undefined || err === null ? describe(err) : err, errorId }, msg);
  } catch {
    try {
      log.error({ err: describe(err), errorId }, msg);
    } catch {
      // Nothing more can be said about it.
    }
  }
  return errorId;
}
