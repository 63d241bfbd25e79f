/**
 * The parameters of a legacy service, each declared once: its schema (an operation's input
 * field, or the face's own for parameters only the legacy face has) and a description for the
 * service reference (docs/SERVICES.md). `parseParams` reads them in declaration order and
 * answers the platform's 400s (`PARAM_*` in src/errors.ts), e.g. `perpage应该小于等于100, 但现在perpage = 101`.
 */
import type { z } from 'zod';
import { readParam } from '../operations/input.js';

export interface Rule<S extends z.ZodType = z.ZodType> {
  readonly schema: S;
  readonly description: string;
}

export type Rules = Record<string, Rule>;
export type ParamsOf<R extends Rules> = { [K in keyof R]: z.output<R[K]['schema']> };

export function rule<S extends z.ZodType>(schema: S, description: string): Rule<S> {
  return { schema, description };
}

export function parseParams<R extends Rules>(rules: R, params: ReadonlyMap<string, string>): ParamsOf<R> {
  const out: Record<string, unknown> = {};
  for (const name in rules) out[name] = readParam(rules[name]!.schema, params.get(name), name);
  return out as ParamsOf<R>;
}
