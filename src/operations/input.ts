/**
 * Input constraints, declared once per operation as standard-schema objects (zod) beside the
 * operation. The GraphQL face gives them to Pothos' validation plugin; the legacy face and the
 * guards read the same bounds through `readParam` to answer in the platform's words. Text
 * lengths count characters (code points), as the platform does, not the UTF-16 units zod's own
 * `.max()` counts; that is why `text()` and `int()` exist.
 */
import { z } from 'zod';
import { refuse, type ProtocolError } from '../errors.js';
import { textLength } from '../where/index.js';

export interface Bounds {
  readonly kind: 'text' | 'int';
  readonly min?: number;
  readonly max?: number;
}

/** The bounds of every schema made by `text()` or `int()`, for the readers below. */
const BOUNDS = z.registry<Bounds>();

/** Text of `min`..`max` characters. */
export function text(bounds: { readonly min?: number; readonly max?: number } = {}) {
  const { min, max } = bounds;
  const schema = z.string().check((ctx) => {
    const len = textLength(ctx.value);
    if (min !== undefined && len < min) ctx.issues.push({ code: 'too_small', origin: 'string', minimum: min, inclusive: true, input: ctx.value });
    if (max !== undefined && len > max) ctx.issues.push({ code: 'too_big', origin: 'string', maximum: max, inclusive: true, input: ctx.value });
  });
  BOUNDS.add(schema, { kind: 'text', ...bounds });
  return schema;
}

/** A safe integer in `min`..`max`. */
export function int(bounds: { readonly min?: number; readonly max?: number } = {}) {
  let schema = z.int();
  if (bounds.min !== undefined) schema = schema.min(bounds.min);
  if (bounds.max !== undefined) schema = schema.max(bounds.max);
  BOUNDS.add(schema, { kind: 'int', ...bounds });
  return schema;
}

/** What a schema declares, as the legacy face and docs/SERVICES.md read it. */
export interface Declared {
  /** Bounds of text() and int(); null for an enum. */
  readonly bounds: Bounds | null;
  /** The values of an enum. */
  readonly values: readonly string[] | null;
  readonly required: boolean;
  /** The value when absent (a `.default()`), undefined for none. */
  readonly fallback: unknown;
}

const declaredCache = new WeakMap<z.ZodType, Declared>();

export function declared(schema: z.ZodType): Declared {
  const hit = declaredCache.get(schema);
  if (hit) return hit;
  let inner: z.ZodType = schema;
  let required = true;
  let fallback: unknown;
  for (;;) {
    if (inner instanceof z.ZodDefault) {
      fallback = inner.def.defaultValue;
      inner = inner.unwrap() as z.ZodType;
    } else if (inner instanceof z.ZodOptional) {
      inner = inner.unwrap() as z.ZodType;
    } else break;
    required = false;
  }
  const values = inner instanceof z.ZodEnum ? inner.options.map(String) : null;
  const bounds = BOUNDS.get(inner) ?? null;
  if (!bounds && !values) throw new Error('a parameter read by the legacy face must be text(), int() or an enum');
  const out: Declared = { bounds, values, required, fallback };
  declaredCache.set(schema, out);
  return out;
}

const INTEGER = /^[+-]?\d{1,15}$/;

/**
 * A parameter's text (undefined when absent) read against its schema, refused in the
 * platform's words. Only absence is "missing": an empty string is text like any other (its
 * `.len` is 0); an empty integer or enum counts as absent.
 */
export function readParam<S extends z.ZodType>(schema: S, raw: string | undefined, name: string): z.output<S> {
  const d = declared(schema);
  const blankIsAbsent = d.values !== null || d.bounds?.kind === 'int';
  if (raw === undefined || (blankIsAbsent && raw.trim() === '')) {
    if (d.required) throw refuse('PARAM_MISSING', { name });
    return d.fallback as z.output<S>;
  }
  if (d.values) {
    const v = d.values.find((x) => x.toLowerCase() === raw.toLowerCase());
    if (v === undefined) throw refuse('PARAM_NOT_IN', { name, values: d.values.join('/'), value: raw });
    return v as z.output<S>;
  }
  const { kind, min, max } = d.bounds!;
  if (kind === 'text') {
    const len = textLength(raw);
    if (min !== undefined && len < min) throw refuse('PARAM_TOO_SHORT', { name, min, len });
    if (max !== undefined && len > max) throw refuse('PARAM_TOO_LONG', { name, max, len });
    return raw as z.output<S>;
  }
  const t = raw.trim();
  if (!INTEGER.test(t)) throw refuse('PARAM_NOT_INT', { name, value: raw });
  const n = Number(t);
  if (min !== undefined && n < min) throw refuse('PARAM_TOO_SMALL', { name, min, value: n });
  if (max !== undefined && n > max) throw refuse('PARAM_TOO_LARGE', { name, max, value: n });
  return n as z.output<S>;
}

/** An issue of a standard-schema validation (zod adds `code`, `origin`, `minimum`, `maximum`). */
export interface SchemaIssue {
  readonly message: string;
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
}

/**
 * The refusal for a failed validation of `input` (GraphQL arguments), in the same words
 * `readParam` uses, the parameter named by the issue's path.
 */
export function refusalOfIssue(issue: SchemaIssue, input: unknown): ProtocolError {
  const path = (issue.path ?? []).map((p) => (typeof p === 'object' ? p.key : p));
  const name = path.map(String).join('.');
  let value = input;
  for (const key of path) value = value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  const { code, origin, minimum, maximum } = issue as { code?: string; origin?: string; minimum?: number | bigint; maximum?: number | bigint };
  if (code === 'too_small' && origin === 'string' && typeof value === 'string') return refuse('PARAM_TOO_SHORT', { name, min: Number(minimum), len: textLength(value) });
  if (code === 'too_big' && origin === 'string' && typeof value === 'string') return refuse('PARAM_TOO_LONG', { name, max: Number(maximum), len: textLength(value) });
  if (code === 'too_small' && origin === 'number' && typeof value === 'number') return refuse('PARAM_TOO_SMALL', { name, min: Number(minimum), value });
  if (code === 'too_big' && origin === 'number' && typeof value === 'number') return refuse('PARAM_TOO_LARGE', { name, max: Number(maximum), value });
  if (value === undefined || value === null) return refuse('PARAM_MISSING', { name });
  return refuse('PARAM_INVALID', { name });
}
