/**
 * Operation input schemas on field arguments. `argsOf(schema)` goes to Pothos' validation
 * plugin (`t.validate(args, argsOf(schema))`), so the resolver receives the schema's output:
 * defaults applied, bounds checked, failures worded like the legacy face's (builder.ts).
 */
import { z } from 'zod';
import { declared } from '../operations/input.js';

/** The arguments but those given as null. */
function withoutNulls(args: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(args).filter(([, v]) => v !== null));
}

/** `schema`, with an argument given as null counting as absent, as an unsent legacy parameter does. */
export function argsOf<S extends z.ZodObject>(schema: S) {
  return z.preprocess((args) => (args !== null && typeof args === 'object' && Object.values(args).includes(null) ? withoutNulls(args) : args), schema);
}

/** A field's default, for the argument's `defaultValue` in the SDL. */
export function defaultOf<S extends z.ZodType>(schema: S): Exclude<z.output<S>, undefined> {
  const { fallback } = declared(schema);
  if (fallback === undefined) throw new Error('the schema declares no default');
  return fallback as Exclude<z.output<S>, undefined>;
}
