/**
 * The `sign` parameter (docs/PROTOCOL.md §2). Dynamic: md5 over the values of every sent parameter
 * but `sign`, sorted by name in byte order, concatenated, then the app secret; upper-case hex.
 * Static: a fixed string per app. Off: no check. A wrong or missing signature is a 409.
 */
import { md5 } from '../crypto.js';
import { refuse } from '../errors.js';
import type { App } from '../records/apps.js';

/** Parameters a client may or may not have included when signing (transport flags). */
const OPTIONAL_IN_SIGNATURE = ['yesapi_allow_origin'];

/** Code units from U+D800 up: surrogates, and U+E000-U+FFFF. */
const HIGH_UNIT = /[\uD800-\uFFFF]/;

/**
 * UTF-8 byte order, the platform's. JavaScript compares UTF-16 code units, which order as UTF-8
 * bytes do except a surrogate (of a character beyond U+FFFF) against a unit from U+E000: two
 * names can only be ordered differently when both hold a unit from U+D800 up. Only then are they
 * compared as bytes, which costs two Buffers per comparison.
 */
export function byteOrder(a: string, b: string): number {
  // Stryker disable next-line ConditionalExpression,LogicalOperator: the byte comparison orders every pair the same (this is a shortcut)
  if (!HIGH_UNIT.test(a) || !HIGH_UNIT.test(b)) return a < b ? -1 : a > b ? 1 : 0;
  // Stryker disable next-line StringLiteral: utf8 is Buffer.from's default
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** The dynamic signature of `params` (the `sign` entry, if any, is left out). */
export function dynamicSign(params: ReadonlyMap<string, string>, secret: string): string {
  const names = [...params.keys()].filter((n) => n !== 'sign').sort(byteOrder);
  return md5(names.map((n) => params.get(n)).join('') + secret).toUpperCase();
}

/** Constant-time comparison of two signatures, case-insensitive on hex, code unit by code unit (no Buffers). */
function same(a: string, b: string): boolean {
  const x = a.toUpperCase();
  const y = b.toUpperCase();
  let diff = x.length ^ y.length;
  // Stryker disable next-line EqualityOperator,MethodExpression: lengths that differ already set `diff`; a unit past the end reads as 0 (NaN | 0)
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x.charCodeAt(i) | 0) ^ (y.charCodeAt(i) | 0);
  return diff === 0;
}

/** Throws ProtocolError(409) unless `params` carry a valid signature for `app`. */
export function checkSign(app: App, params: ReadonlyMap<string, string>): void {
  if (app.signMode === 'off') return;
  const given = params.get('sign') ?? '';
  if (!given) throw refuse('SIGN_MISSING', { name: 'sign' });
  if (app.signMode === 'static') {
    if (!app.staticSign || !same(given, app.staticSign)) throw refuse('SIGN_WRONG');
    return;
  }
  if (same(given, dynamicSign(params, app.appSecret))) return;
  for (const flag of OPTIONAL_IN_SIGNATURE) {
    // Stryker disable next-line ConditionalExpression: without the flag the map is unchanged and its signature already failed (a shortcut)
    if (!params.has(flag)) continue;
    const without = new Map(params);
    without.delete(flag);
    if (same(given, dynamicSign(without, app.appSecret))) return;
  }
  throw refuse('SIGN_WRONG');
}

/** GraphQL face: the signature is md5(raw payload + secret), upper-case hex. */
export function payloadSign(payload: string, secret: string): string {
  return md5(payload + secret).toUpperCase();
}

export function checkPayloadSign(app: App, payload: string, given: string | null): void {
  if (app.signMode === 'off') return;
  if (!given) throw refuse('SIGN_MISSING', { name: 'x-sign' });
  const expected = app.signMode === 'static' ? (app.staticSign ?? '') : payloadSign(payload, app.appSecret);
  if (!expected || !same(given, expected)) throw refuse('SIGN_WRONG');
}
