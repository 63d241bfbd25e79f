/** Every problem with user text is a 400 that names the parameter: `客户端非法请求：参数<p>…`. */
import { isIdentifier } from '../db/sql.js';
import { badRequest, type ProtocolError } from '../errors.js';

export function fail(param: string, detail: string): ProtocolError {
  return badRequest(`参数${param}${detail}`);
}

/** User text inside a message: JSON-quoted (so control characters show) and cut short. */
export function show(text: unknown): string {
  const s = typeof text === 'string' ? text : (JSON.stringify(text) ?? String(text));
  return JSON.stringify(s.length > 64 ? `${s.slice(0, 64)}…` : s);
}

/** A name inside a message: plain identifiers as they are, anything else as `show` does. */
export function quote(name: unknown): string {
  return typeof name === 'string' && isIdentifier(name) ? name : show(name);
}
