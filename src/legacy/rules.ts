/**
 * Parameter rules, declared once per service. Each rule turns the decoded string (or its
 * absence) into a typed value or throws the platform's 400 message, e.g.
 * `客户端非法请求：perpage应该小于等于100, 但现在perpage = 101`.
 */
import { badRequest } from '../errors.js';

export interface Rule<T> {
  readonly type: 'string' | 'int' | 'enum' | 'json';
  readonly required: boolean;
  readonly description: string;
  parse(raw: string | undefined, name: string): T;
}

export type Rules = Record<string, Rule<unknown>>;
export type ParamsOf<R extends Rules> = { [K in keyof R]: R[K] extends Rule<infer T> ? T : never };

interface Common {
  readonly description?: string;
}

const chars = (s: string) => [...s].length;

export function str(o: Common & { required: true; min?: number; max?: number }): Rule<string>;
export function str(o: Common & { default: string; min?: number; max?: number }): Rule<string>;
export function str(o?: Common & { min?: number; max?: number }): Rule<string | undefined>;
export function str(o: Common & { required?: boolean; default?: string; min?: number; max?: number } = {}): Rule<string | undefined> {
  return {
    type: 'string',
    required: !!o.required,
    description: o.description ?? '',
    parse(raw, name) {
      if (raw === undefined || (o.required && raw === '')) {
        if (o.required) throw badRequest(`缺少必要参数${name}`);
        return o.default;
      }
      const len = chars(raw);
      if (o.min !== undefined && len < o.min) throw badRequest(`${name}.len应该大于或等于${o.min}, 但现在${name}.len = ${len}`);
      if (o.max !== undefined && len > o.max) throw badRequest(`${name}.len应该小于等于${o.max}, 但现在${name}.len = ${len}`);
      return raw;
    },
  };
}

export function int(o: Common & { required: true; min?: number; max?: number }): Rule<number>;
export function int(o: Common & { default: number; min?: number; max?: number }): Rule<number>;
export function int(o?: Common & { min?: number; max?: number }): Rule<number | undefined>;
export function int(o: Common & { required?: boolean; default?: number; min?: number; max?: number } = {}): Rule<number | undefined> {
  return {
    type: 'int',
    required: !!o.required,
    description: o.description ?? '',
    parse(raw, name) {
      if (raw === undefined || raw.trim() === '') {
        if (o.required) throw badRequest(`缺少必要参数${name}`);
        return o.default;
      }
      const t = raw.trim();
      if (!/^[+-]?\d{1,15}$/.test(t)) throw badRequest(`${name}应该是整数, 但现在${name} = ${raw}`);
      const n = Number(t);
      if (o.min !== undefined && n < o.min) throw badRequest(`${name}应该大于或等于${o.min}, 但现在${name} = ${n}`);
      if (o.max !== undefined && n > o.max) throw badRequest(`${name}应该小于等于${o.max}, 但现在${name} = ${n}`);
      return n;
    },
  };
}

export function oneOf<const V extends string>(values: readonly V[], o: Common & { default: V }): Rule<V> {
  return {
    type: 'enum',
    required: false,
    description: o.description ?? '',
    parse(raw, name) {
      if (raw === undefined || raw === '') return o.default;
      const v = values.find((x) => x.toLowerCase() === raw.toLowerCase());
      if (!v) throw badRequest(`${name}应该为${values.join('/')}, 但现在${name} = ${raw}`);
      return v;
    },
  };
}

/** A JSON-valued parameter; the service validates the shape. */
export function json(o: Common = {}): Rule<unknown> {
  return {
    type: 'json',
    required: false,
    description: o.description ?? '',
    parse(raw, name) {
      if (raw === undefined || raw === '') return undefined;
      try {
        return JSON.parse(raw) as unknown;
      } catch {
        throw badRequest(`参数${name}的JSON数据格式错误`);
      }
    },
  };
}

export function parseParams<R extends Rules>(rules: R, params: ReadonlyMap<string, string>): ParamsOf<R> {
  const out: Record<string, unknown> = {};
  for (const [name, rule] of Object.entries(rules)) out[name] = rule.parse(params.get(name), name);
  return out as ParamsOf<R>;
}
