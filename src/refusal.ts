/**
 * What both faces answer for an error a caller caused: a ProtocolError as it is, a value the
 * database refused as the 400 VALUE_REJECTED; anything else (null) is a server fault.
 */
import { ValueRejectedError } from './db/store.js';
import { ProtocolError, refuse } from './errors.js';

export function refusalOf(err: unknown): ProtocolError | null {
  if (err instanceof ProtocolError) return err;
  if (err instanceof ValueRejectedError) return refuse('VALUE_REJECTED');
  return null;
}
