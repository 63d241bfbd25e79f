import { describe, expect, it } from 'vitest';
import { compileWhere, LIMITS, parseWhereJson, rawCondition, readWhere, whereFromInput, type Condition } from '../../src/where/index.js';
import { badRequestOf, dialects, items } from './support/fixtures.js';

const triple = (i: number): [string, string, number] => ['id', '<>', i];
const compile = (list: Condition[], dialect = dialects.sqlite) => compileWhere({ logic: 'and', items: list }, items, dialect);

describe('limits', () => {
  it('has the documented values', () => {
    expect(LIMITS).toEqual({ conditions: 100, inValues: 1000, depth: 16, rawLength: 2000 });
  });

  it('at most 100 conditions, counting those inside raw strings', () => {
    expect(() => compile(parseWhereJson(JSON.stringify(Array.from({ length: 100 }, (_, i) => triple(i)))))).not.toThrow();
    expect(badRequestOf(() => parseWhereJson(JSON.stringify(Array.from({ length: 101 }, (_, i) => triple(i)))))).toBe(
      '客户端非法请求：参数where中的条件不能超过100个',
    );
    const raw = Array.from({ length: 51 }, (_, i) => `id <> ${i}`).join(' AND ');
    expect(badRequestOf(() => compile(parseWhereJson(JSON.stringify([raw, raw]))))).toBe('客户端非法请求：参数where中的条件不能超过100个');
    const params = new Map(Array.from({ length: 101 }, (_, i) => [`where_c${i}`, '1']));
    expect(badRequestOf(() => readWhere(params))).toBe('客户端非法请求：参数where_X中的条件不能超过100个');
    expect(badRequestOf(() => readWhere(new Map([['where_id', Array.from({ length: 101 }, () => 'GT-1').join('||')]])))).toBe(
      '客户端非法请求：参数where_X中的条件不能超过100个',
    );
    expect(badRequestOf(() => whereFromInput({ raw: Array.from({ length: 101 }, () => 'id = 1') }))).toBe('客户端非法请求：参数where中的条件不能超过100个');
  });

  it('at most 1000 values in an IN list', () => {
    const ids = Array.from({ length: 1000 }, (_, i) => i);
    expect(() => compile(parseWhereJson(JSON.stringify([['id', 'IN', ids]])))).not.toThrow();
    expect(badRequestOf(() => parseWhereJson(JSON.stringify([['id', 'IN', [...ids, 1000]]])))).toBe('客户端非法请求：参数where中字段 id 的IN值不能超过1000个');
    expect(badRequestOf(() => parseWhereJson(JSON.stringify([['id', 'NIN', [...ids, 1000].join(',')]])))).toBe(
      '客户端非法请求：参数where中字段 id 的NIN值不能超过1000个',
    );
  });

  it('at most 16 levels of nesting', () => {
    const nested = (depth: number): Condition =>
      depth === 1 ? { kind: 'compare', field: 'id', op: 'EQ', value: 1 } : { kind: 'group', logic: depth % 2 ? 'and' : 'or', items: [nested(depth - 1)] };
    expect(() => compile([nested(16)])).not.toThrow();
    expect(badRequestOf(() => compile([nested(17)]))).toBe('客户端非法请求：参数where的嵌套不能超过16层');
    // Raw expressions count their levels: 15 unary minuses under a comparison is 16.
    expect(() => compile([rawCondition(`id = ${'-('.repeat(15)}qty${')'.repeat(15)}`)])).not.toThrow();
    expect(badRequestOf(() => compile([rawCondition(`id = ${'-('.repeat(16)}qty${')'.repeat(16)}`)]))).toBe('客户端非法请求：参数where的嵌套不能超过16层');
    expect(badRequestOf(() => compile([{ kind: 'group', logic: 'and', items: [rawCondition(`id = ${'-('.repeat(15)}qty${')'.repeat(15)}`)] }]))).toBe(
      '客户端非法请求：参数where的嵌套不能超过16层',
    );
  });

  it('at most 2000 characters in a raw string, 20000 in all', () => {
    const ok = `id = ${'1'.padStart(1995, '0')}`;
    expect(ok.length).toBe(2000);
    expect(() => rawCondition(ok)).not.toThrow();
    expect(badRequestOf(() => rawCondition(`${ok} `))).toContain('不能超过2000个字符');
    expect(() => parseWhereJson(JSON.stringify(Array.from({ length: 10 }, () => ok)))).not.toThrow();
    expect(badRequestOf(() => parseWhereJson(JSON.stringify(Array.from({ length: 11 }, () => ok))))).toBe(
      '客户端非法请求：参数where中的条件字符串合计不能超过20000个字符',
    );
    expect(badRequestOf(() => whereFromInput({ raw: Array.from({ length: 11 }, () => ok) }))).toBe('客户端非法请求：参数where中的条件字符串合计不能超过20000个字符');
  });

  it("at most the engine's bound parameters per statement", () => {
    const lists = JSON.stringify([0, 1, 2].map((k) => ['id', 'IN', Array.from({ length: 1000 }, (_, i) => k * 1000 + i)]));
    const where = parseWhereJson(lists);
    expect(() => compile(where, dialects.sqlite)).not.toThrow();
    expect(() => compile(where, dialects.mysql)).not.toThrow();
    expect(badRequestOf(() => compile(where, dialects.mssql))).toBe('客户端非法请求：参数where的条件值过多：3000个，超过了数据库允许的2000个');
  });
});

describe('limits at their exact boundary', () => {
  const deep = '客户端非法请求：参数where的嵌套不能超过16层';
  /** 'accepted', or the message of the 400. */
  const outcome = (fn: () => unknown): string => {
    try {
      fn();
    } catch {
      return badRequestOf(fn);
    }
    return 'accepted';
  };
  /** `qty + 1 + … + 1`: n levels of arithmetic, without parentheses. */
  const chain = (n: number) => `qty${' + 1'.repeat(n)}`;
  const wrapped = (open: string, n: number, inner: string) => `${open.repeat(n)}${inner}${')'.repeat(n)}`;
  /** m AND/OR operators, alternating, each nested in the previous one's parentheses. */
  const logic = (m: number, i = 0): string => {
    const rest = m > 1 ? `(${logic(m - 1, i + 1)})` : `id = ${i + 1}`;
    return `id = ${i} ${i % 2 ? 'OR' : 'AND'} ${rest}`;
  };

  // Each builder writes a raw condition of exactly `levels` levels.
  it.each<[string, (levels: number) => string]>([
    ['AND/OR alternating in parentheses', (l) => logic(l - 1)],
    ['NOT', (l) => `${'NOT '.repeat(l - 1)}id = 1`],
    ['NOT over TRUE', (l) => `${'NOT '.repeat(l - 1)}TRUE`],
    ['arithmetic on the left of a comparison', (l) => `${chain(l - 1)} = 1`],
    ['arithmetic on the right of a comparison', (l) => `1 = ${chain(l - 1)}`],
    ['arithmetic nested on the right', (l) => `id = ${wrapped('1 + (', l - 2, '1 + 1')}`],
    ['arithmetic of literals only', (l) => `id = 1${' + 1'.repeat(l - 1)}`],
    ['unary minus', (l) => `id = ${wrapped('-(', l - 1, 'qty')}`],
    ['function calls', (l) => `${wrapped('ABS(', l - 1, 'qty')} = 1`],
    ['a later function argument', (l) => `COALESCE(1, ${wrapped('ABS(', l - 2, 'qty')}) = 1`],
    ['IN', (l) => `${chain(l - 1)} IN (1, 2)`],
    ['LIKE', (l) => `${chain(l - 1)} LIKE '1%'`],
    ['IS NULL', (l) => `${chain(l - 1)} IS NULL`],
    ['BETWEEN operand', (l) => `${chain(l - 1)} BETWEEN 1 AND 2`],
    ['BETWEEN low', (l) => `qty BETWEEN ${chain(l - 1)} AND 2`],
    ['BETWEEN high', (l) => `qty BETWEEN 1 AND ${chain(l - 1)}`],
    ['a later item of AND', (l) => `id = 1 AND ${chain(l - 2)} = 1`],
  ])('raw nesting through %s: 16 levels pass, 17 are refused', (_, build) => {
    expect(outcome(() => compile([rawCondition(build(16))]))).toBe('accepted');
    expect(outcome(() => compile([rawCondition(build(17))]))).toBe(deep);
  });

  it('counts groups around a raw condition and an empty group as levels', () => {
    const group = (inner: Condition[], levels: number): Condition[] =>
      levels === 0 ? inner : [{ kind: 'group', logic: levels % 2 ? 'and' : 'or', items: group(inner, levels - 1) }];
    expect(outcome(() => compile(group([], 16)))).toBe('accepted');
    expect(outcome(() => compile(group([], 17)))).toBe(deep);
    expect(outcome(() => compile(group([rawCondition(`${chain(14)} = 1`)], 1)))).toBe('accepted');
    expect(outcome(() => compile(group([rawCondition(`${chain(14)} = 1`)], 2)))).toBe(deep);
  });

  it('counts the conditions under NOT (…), so NOT is no way around the 100', () => {
    const conditions = (n: number) => `NOT (${Array.from({ length: n }, (_, i) => `id <> ${i}`).join(' AND ')})`;
    expect(() => compile(parseWhereJson(JSON.stringify([conditions(50), conditions(50)])))).not.toThrow();
    expect(badRequestOf(() => compile(parseWhereJson(JSON.stringify([conditions(50), conditions(51)]))))).toBe('客户端非法请求：参数where中的条件不能超过100个');
    expect(badRequestOf(() => compile([rawCondition(`NOT ${conditions(101).slice(4)}`)]))).toBe('客户端非法请求：参数where中的条件不能超过100个');
  });

  it('counts the conditions inside groups', () => {
    const group = (n: number): Condition => ({ kind: 'group', logic: 'or', items: Array.from({ length: n }, (_, i) => ({ kind: 'compare', field: 'id', op: 'EQ', value: i })) });
    expect(() => compile([group(60), group(40)])).not.toThrow();
    expect(badRequestOf(() => compile([group(60), group(41)]))).toBe('客户端非法请求：参数where中的条件不能超过100个');
  });

  it('refuses a hand-built tree of any depth with a 400, raw conditions inside groups measured too', () => {
    let tree: Condition = { kind: 'compare', field: 'id', op: 'EQ', value: 1 };
    for (let i = 0; i < 100_000; i++) tree = { kind: 'group', logic: 'and', items: [tree] };
    expect(badRequestOf(() => compile([tree]))).toBe(deep);
    const long: Condition = { kind: 'raw', text: 'x'.repeat(2001), expr: { kind: 'truth', value: true } };
    expect(badRequestOf(() => compile([{ kind: 'group', logic: 'or', items: [long] }]))).toBe('客户端非法请求：参数where中的条件字符串不能超过2000个字符');
  });

  it('takes exactly 100 conditions from every spelling', () => {
    expect(readWhere(new Map(Array.from({ length: 100 }, (_, i) => [`where_c${i}`, '1']))).items).toHaveLength(100);
    expect(readWhere(new Map([['where_id', Array.from({ length: 100 }, () => 'GT-1').join('||')]])).items).toHaveLength(100);
    expect(whereFromInput({ conditions: Array.from({ length: 50 }, () => ({ field: 'id', op: 'EQ' as const, value: 1 })), raw: Array.from({ length: 50 }, () => 'id = 1') }).items).toHaveLength(100);
    expect(badRequestOf(() => whereFromInput({ conditions: Array.from({ length: 51 }, () => ({ field: 'id', op: 'EQ' as const, value: 1 })), raw: Array.from({ length: 50 }, () => 'id = 1') }))).toBe(
      '客户端非法请求：参数where中的条件不能超过100个',
    );
  });

  it('measures a hand-built raw condition too, naming its parameter', () => {
    const exprOf = (text: string) => (rawCondition(text) as Condition & { kind: 'raw' }).expr;
    const hand = (length: number, param?: string): Condition => ({ kind: 'raw', text: 'x'.repeat(length), expr: exprOf('id = 1'), ...(param ? { param } : {}) });
    expect(() => compile([hand(2000)])).not.toThrow();
    expect(badRequestOf(() => compile([hand(2001)]))).toBe('客户端非法请求：参数where中的条件字符串不能超过2000个字符');
    expect(badRequestOf(() => compile([hand(2001, 'more')]))).toBe('客户端非法请求：参数more中的条件字符串不能超过2000个字符');
    expect(badRequestOf(() => compile([{ kind: 'raw', text: 'deep', expr: exprOf(`${chain(16)} = 1`), param: 'more' }]))).toBe('客户端非法请求：参数more的嵌套不能超过16层');
  });

  it('at most 16 parentheses deep in a raw string, however they sit', () => {
    expect(() => compile([rawCondition(`${'('.repeat(16)}id = 1${')'.repeat(16)}`)])).not.toThrow();
    const siblings = Array.from({ length: 40 }, (_, i) => `(id <> ${i})`).join(' AND ');
    expect(() => compile([rawCondition(siblings)])).not.toThrow();
    // AND inside AND flattens: 16 levels of parentheses, two of conditions.
    const spread = (n: number) => `${Array.from({ length: n }, (_, i) => `(id <> ${i} AND `).join('')}id = 1${')'.repeat(n)}`;
    expect(() => compile([rawCondition(spread(16))])).not.toThrow();
    expect(badRequestOf(() => rawCondition(spread(17)))).toContain('的括号嵌套不能超过16层');
  });

  it("exactly the engine's bound parameters pass", () => {
    const lists = (n: number) => parseWhereJson(JSON.stringify([['id', 'IN', Array.from({ length: 1000 }, (_, i) => i)], ['id', 'IN', Array.from({ length: n }, (_, i) => i)]]));
    expect(() => compile(lists(1000), dialects.mssql)).not.toThrow();
    expect(badRequestOf(() => compile([...lists(1000), { kind: 'compare', field: 'qty', op: 'EQ', value: 1 }], dialects.mssql))).toBe(
      '客户端非法请求：参数where的条件值过多：2001个，超过了数据库允许的2000个',
    );
  });
});
