/**
 * Reading JSON that a caller sent, whole bodies and JSON-valued parameters alike: the nesting
 * depth is bounded before parsing, since whatever walks parsed JSON (JSON.stringify, the
 * condition language, validators) recurses once per level, and a body nested 100,000 deep
 * would overflow the stack.
 */
import { refuse } from './errors.js';

/** Deepest nesting of JSON arrays and objects accepted anywhere in a request. */
export const MAX_JSON_DEPTH = 64;

/** True when `text` nests arrays or objects deeper than MAX_JSON_DEPTH (a scan, no parse). */
export function tooDeep(text: string): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > MAX_JSON_DEPTH) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/** Throws the body's 400 when `text` nests too deep. */
export function checkJsonDepth(text: string): void {
  if (tooDeep(text)) throw refuse('BODY_TOO_DEEP', { max: MAX_JSON_DEPTH });
}

/** A JSON-valued parameter, parsed: malformed or too deep JSON is a 400 naming the parameter. */
export function parseJsonParam(text: string, name: string): unknown {
  if (tooDeep(text)) throw refuse('PARAM_TOO_DEEP', { name, max: MAX_JSON_DEPTH });
  try {
    return JSON.parse(text);
  } catch {
    throw refuse('PARAM_NOT_JSON', { name });
  }
}
