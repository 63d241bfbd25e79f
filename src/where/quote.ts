/** Quoting of user text inside the condition language's 400s (registered in src/errors.ts). */
import { isIdentifier } from '../db/sql.js';

/** User text inside a message: JSON-quoted (so control characters show) and cut short. */
export function show(text: unknown): string {
  const s = typeof text === 'string' ? text : (JSON.stringify(text) ?? String(text));
  return JSON.stringify(s.length > 64 ? `${s.slice(0, 64)}…` : s);
}

/** A name inside a message: plain identifiers as they are, anything else as `show` does. */
export function quote(name: unknown): string {
  return typeof name === 'string' && isIdentifier(name) ? name : show(name);
}
