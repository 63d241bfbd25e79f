import { describe, expect, it } from 'vitest';
import { compileWhere, parseWhereJson, rawCondition, readWhere, whereFromInput, type Condition, type Operator, type Scalar } from '../../src/where/index.js';
import { badRequestOf, dialects, golden, items } from './support/fixtures.js';

const params = (entries: Record<string, string>) => new Map(Object.entries(entries));
const compare = (field: string, op: Operator, value: Scalar | Scalar[], param?: string): Condition => ({
  kind: 'compare',
  field,
  op,
  value,
  ...(param ? { param } : {}),
});

describe('readWhere', () => {
  it('reads where JSON joined by logic (and by default, any case)', () => {
    expect(readWhere(params({ where: '[["id", ">", 9], ["id", "<=", 10]]' }))).toEqual({
      logic: 'and',
      items: [compare('id', 'GT', 9), compare('id', 'LE', 10)],
    });
    expect(readWhere(params({ where: '[["state", "=", 0]]', logic: 'OR' })).logic).toBe('or');
    expect(readWhere(params({ logic: '' }))).toEqual({ logic: 'and', items: [] });
  });

  it('refuses a logic other than and/or', () => {
    expect(badRequestOf(() => readWhere(params({ logic: 'xor' })))).toBe('客户端非法请求：参数logic应该是and或or，但现在logic = "xor"');
  });

  it('reads where_X: EQ by default, OP-value, || joining conditions on one field, comma lists', () => {
    const w = readWhere(params({ where_year: 'GT-2000||LT-2020', where_day: '2020-01-01', where_state: '0', where_tag: 'IN-a,b,c', logic: 'or' }));
    expect(w).toEqual({
      logic: 'or',
      items: [
        compare('year', 'GT', '2000', 'where_year'),
        compare('year', 'LT', '2020', 'where_year'),
        compare('day', 'EQ', '2020-01-01', 'where_day'),
        compare('state', 'EQ', '0', 'where_state'),
        compare('tag', 'IN', ['a', 'b', 'c'], 'where_tag'),
      ],
    });
  });

  it('reads every operator of where_X and leaves non-operator prefixes to EQ', () => {
    const ops = ['EQ', 'NE', 'GT', 'GE', 'LT', 'LE', 'LIKE', 'NLIKE', 'IN', 'NIN'] as const;
    for (const op of ops) expect(readWhere(params({ where_name: `${op}-x` })).items).toEqual([compare('name', op, op === 'IN' || op === 'NIN' ? ['x'] : 'x', 'where_name')]);
    expect(readWhere(params({ where_qty: 'BETWEEN-1,5' })).items).toEqual([compare('qty', 'BETWEEN', ['1', '5'], 'where_qty')]);
    // Lower-case words and unknown prefixes are values: "in-stock" is not IN.
    expect(readWhere(params({ where_name: 'in-stock' })).items).toEqual([compare('name', 'EQ', 'in-stock', 'where_name')]);
    expect(readWhere(params({ where_name: 'FOO-bar' })).items).toEqual([compare('name', 'EQ', 'FOO-bar', 'where_name')]);
    expect(readWhere(params({ where_name: 'EQ-' })).items).toEqual([compare('name', 'EQ', '', 'where_name')]);
    expect(readWhere(params({ where_name: 'LIKE-a-b' })).items).toEqual([compare('name', 'LIKE', 'a-b', 'where_name')]);
  });

  it('lets where_X win over where', () => {
    expect(readWhere(params({ where: 'not even JSON', where_state: '0' })).items).toEqual([compare('state', 'EQ', '0', 'where_state')]);
  });

  it('names where_X parameters in errors', () => {
    expect(badRequestOf(() => readWhere(params({ 'where_x y': '1' })))).toBe('客户端非法请求：参数where_x y中的字段 "x y" 不存在');
    expect(badRequestOf(() => readWhere(params({ where_: '1' })))).toBe('客户端非法请求：参数where_中的字段 "" 不存在');
    const w = readWhere(params({ where_nope: '1', where_qty: 'GT-abc' }));
    expect(badRequestOf(() => compileWhere(w, items, dialects.sqlite))).toBe('客户端非法请求：参数where_nope中的字段 nope 不存在');
    const w2 = readWhere(params({ where_qty: 'GT-abc' }));
    expect(badRequestOf(() => compileWhere(w2, items, dialects.sqlite))).toBe('客户端非法请求：参数where_qty中字段 qty 的值 "abc" 不是数值');
  });

  it('compiles where_X like the equivalent where JSON (the FreePopOne example)', () => {
    const viaX = golden((d) => compileWhere(readWhere(params({ where_qty: 'GT-2000||LT-2020', where_name: 'LIKE-小白' })), items, d));
    const viaJson = golden((d) =>
      compileWhere(readWhere(params({ where: '[["qty", "GT", 2000], ["qty", "LT", 2020], ["name", "LIKE", "小白"]]' })), items, d),
    );
    expect(viaX).toEqual(viaJson);
    expect(viaX).toEqual({
      sqlite: `"qty" > ? AND "qty" < ? AND "name" LIKE ? ESCAPE '!'`,
      mysql: "`qty` > ? AND `qty` < ? AND `name` LIKE ? ESCAPE '!'",
      mssql: `[qty] > @p1 AND [qty] < @p2 AND [name] LIKE @p3 ESCAPE '!'`,
      params: [2000, 2020, '%小白%'],
    });
  });
});

describe('parseWhereJson', () => {
  it('mixes triples and raw strings', () => {
    const [a, b] = parseWhereJson('[["id", ">", 9], "id <= 10"]');
    expect(a).toEqual(compare('id', 'GT', 9));
    expect(b).toEqual({ kind: 'raw', text: 'id <= 10', expr: { kind: 'compare', op: '<=', left: { kind: 'column', name: 'id' }, right: { kind: 'literal', value: 10 } } });
  });

  it('accepts a bare triple', () => {
    expect(parseWhereJson('["id", ">", 9]')).toEqual([compare('id', 'GT', 9)]);
  });

  it('uses the given parameter name in the JSON error', () => {
    expect(badRequestOf(() => parseWhereJson('[', 'more_where'))).toBe('客户端非法请求：参数more_where的JSON数据格式错误');
  });
});

describe('whereFromInput (GraphQL face)', () => {
  it('builds the same AST as the legacy where', () => {
    const w = whereFromInput({ logic: 'or', conditions: [{ field: 'id', op: 'GT', value: 9 }, { field: 'qty', op: 'IN', value: '1,2' }], raw: ['id <= 10'] });
    expect(w).toEqual({ logic: 'or', items: [...parseWhereJson('[["id", "GT", 9], ["qty", "IN", "1,2"], "id <= 10"]')] });
    expect(whereFromInput({})).toEqual({ logic: 'and', items: [] });
    expect(whereFromInput({ conditions: [{ field: 'qty', op: 'EQ' }] }).items).toEqual([compare('qty', 'EQ', null)]);
  });

  it('refuses what the legacy face refuses', () => {
    expect(badRequestOf(() => whereFromInput({ raw: ['SLEEP(5) = 0'] }))).toMatch(/^客户端非法请求：参数where中的条件字符串 "SLEEP\(5\) = 0" 不允许：函数 SLEEP/);
    expect(badRequestOf(() => whereFromInput({ conditions: [{ field: 'id', op: 'IN', value: { a: 1 } }] }))).toBe(
      '客户端非法请求：参数where中字段 id 的IN值应该是数组或逗号分隔的字符串',
    );
    expect(badRequestOf(() => whereFromInput({ logic: 'nand' as never }))).toBe('客户端非法请求：参数logic应该是and或or，但现在logic = "nand"');
  });
});

describe('operator spellings', () => {
  it.each([
    ['=', 'EQ'],
    ['eq', 'EQ'],
    ['<>', 'NE'],
    ['!=', 'NE'],
    ['ne', 'NE'],
    ['>', 'GT'],
    ['>=', 'GE'],
    ['<', 'LT'],
    ['<=', 'LE'],
    ['like', 'LIKE'],
    ['NLIKE', 'NLIKE'],
    ['NOT LIKE', 'NLIKE'],
    ['not  like', 'NLIKE'],
    [' Not\tLike ', 'NLIKE'],
    ['in', 'IN'],
    ['NOT IN', 'NIN'],
    ['not\nin', 'NIN'],
    ['nin', 'NIN'],
    ['between', 'BETWEEN'],
    ['NOT BETWEEN', 'NBETWEEN'],
    ['not   between', 'NBETWEEN'],
    ['nbetween', 'NBETWEEN'],
  ])('%j is %s', (spelling, op) => {
    const value = op.endsWith('IN') ? [1] : op.endsWith('BETWEEN') ? [1, 2] : 1;
    expect(parseWhereJson(JSON.stringify([['qty', spelling, value]]))).toEqual([compare('qty', op as Operator, value)]);
  });

  it.each(['NOTLIKE', 'NOT_IN', 'IS', '==', '=>', 'NOT', '', 'LIKE NOT'])('%j is no operator', (spelling) => {
    expect(badRequestOf(() => parseWhereJson(JSON.stringify([['qty', spelling, 1]])))).toBe(
      `客户端非法请求：参数where中的比较符 ${JSON.stringify(spelling)} 不支持（可用：= <> != > >= < <= EQ NE GT GE LT LE LIKE NLIKE IN NIN BETWEEN NBETWEEN）`,
    );
  });

  it('refuses an operator that is no text', () => {
    expect(badRequestOf(() => parseWhereJson('[["qty", 1, 1]]'))).toMatch(/^客户端非法请求：参数where中的比较符 "1" 不支持/);
    expect(badRequestOf(() => parseWhereJson('[["qty", ["="], 1], ["qty", "=", 1]]'))).toMatch(/^客户端非法请求：参数where中的比较符 "\[\\"=\\"\]" 不支持/);
  });
});

describe('where shapes', () => {
  it('reads logic in any case and spacing', () => {
    expect(readWhere(params({ logic: ' OR ' })).logic).toBe('or');
    expect(readWhere(params({ logic: 'AND' })).logic).toBe('and');
    expect(readWhere(params({})).logic).toBe('and');
    expect(badRequestOf(() => readWhere(params({ logic: 'o r' })))).toBe('客户端非法请求：参数logic应该是and或or，但现在logic = "o r"');
  });

  it('keeps a where_X value whole, newlines and dashes included; || separates conditions', () => {
    expect(readWhere(params({ where_name: 'LIKE-a\nb' })).items).toEqual([compare('name', 'LIKE', 'a\nb', 'where_name')]);
    expect(readWhere(params({ where_name: '-x' })).items).toEqual([compare('name', 'EQ', '-x', 'where_name')]);
    expect(readWhere(params({ where_name: 'a||NE-b' })).items).toEqual([compare('name', 'EQ', 'a', 'where_name'), compare('name', 'NE', 'b', 'where_name')]);
    expect(badRequestOf(() => readWhere(params({ where_name: 'IN-' })))).toBe('客户端非法请求：参数where_name中字段 name 的IN值列表不能为空');
  });

  it('reads a three-item list as raw strings unless it is a triple', () => {
    expect(badRequestOf(() => parseWhereJson('["id", "nope", 9]'))).toBe('客户端非法请求：参数where中的条件字符串 "id" 不允许：这里需要条件（比较、IN、LIKE、IS NULL等），而不是值');
    expect(badRequestOf(() => parseWhereJson('["a b", "=", 1]'))).toMatch(/^客户端非法请求：参数where中的条件字符串 "a b" 不是合法的MySQL条件表达式/);
    expect(parseWhereJson('["id = 1", "id = 2", "id = 3"]')).toHaveLength(3);
    expect(parseWhereJson('  ')).toEqual([]);
  });

  it('names the place of a malformed condition', () => {
    expect(badRequestOf(() => parseWhereJson('["id = 1", ["id", "="]]'))).toBe('客户端非法请求：参数where中的第2个条件格式错误：应该是["字段", "比较符", 值]或条件字符串');
    expect(badRequestOf(() => parseWhereJson('[[1, "=", 1]]'))).toBe('客户端非法请求：参数where中的第1个条件格式错误：应该是["字段", "比较符", 值]或条件字符串');
    expect(badRequestOf(() => parseWhereJson('[["a b", "=", 1]]'))).toBe('客户端非法请求：参数where中的字段 "a b" 不存在');
  });

  it('refuses a raw condition that is no string', () => {
    expect(badRequestOf(() => rawCondition(5 as never))).toBe('客户端非法请求：参数where中的条件字符串 "5" 应该是字符串');
    expect(badRequestOf(() => rawCondition({} as never, 'filter'))).toBe('客户端非法请求：参数filter中的条件字符串 "{}" 应该是字符串');
  });

  it('the GraphQL face takes or, and names its parameter', () => {
    expect(whereFromInput({ logic: 'or', raw: ['id = 1'] }).logic).toBe('or');
    expect(badRequestOf(() => whereFromInput({ conditions: [{ field: 'a b', op: 'EQ', value: 1 }] }, 'filter'))).toBe('客户端非法请求：参数filter中的字段 "a b" 不存在');
    expect(badRequestOf(() => whereFromInput({ conditions: [{ field: 'id', op: 'SOUNDS' as never, value: 1 }] }))).toMatch(/^客户端非法请求：参数where中的比较符 "SOUNDS" 不支持/);
  });
});

describe('hostile and odd shapes', () => {
  it('names the where parameter in a JSON error from readWhere', () => {
    expect(badRequestOf(() => readWhere(params({ where: '{' })))).toBe('客户端非法请求：参数where的JSON数据格式错误');
  });

  it('reads a list that is not a triple item by item', () => {
    expect(badRequestOf(() => parseWhereJson('[null, "=", 1]'))).toBe('客户端非法请求：参数where中的第1个条件格式错误：应该是["字段", "比较符", 值]或条件字符串');
    expect(badRequestOf(() => parseWhereJson('["id", "="]'))).toBe('客户端非法请求：参数where中的条件字符串 "id" 不允许：这里需要条件（比较、IN、LIKE、IS NULL等），而不是值');
  });

  it('an operator prefix of where_X starts the value', () => {
    expect(readWhere(params({ where_name: 'aLIKE-b' })).items).toEqual([compare('name', 'EQ', 'aLIKE-b', 'where_name')]);
  });

  it('counts only the raw strings toward the 20000 characters', () => {
    const raw = `id = ${'1'.padStart(1995, '0')}`;
    expect(parseWhereJson(JSON.stringify([...Array.from({ length: 10 }, () => raw), ['id', '=', 1]]))).toHaveLength(11);
  });

  it('shows names and operators that are no text, and cuts long ones at 64 characters', () => {
    expect(badRequestOf(() => whereFromInput({ conditions: [{ field: 'id', op: undefined as never, value: 1 }] }))).toMatch(/^客户端非法请求：参数where中的比较符 "undefined" 不支持/);
    expect(badRequestOf(() => whereFromInput({ conditions: [{ field: null as never, op: 'EQ', value: 1 }] }))).toBe('客户端非法请求：参数where中的字段 "null" 不存在');
    const field = (n: number) => `${'x'.repeat(n - 1)} `;
    expect(badRequestOf(() => parseWhereJson(JSON.stringify([[field(64), '=', 1]])))).toBe(`客户端非法请求：参数where中的字段 "${field(64)}" 不存在`);
    expect(badRequestOf(() => parseWhereJson(JSON.stringify([[field(65), '=', 1]])))).toBe(`客户端非法请求：参数where中的字段 "${'x'.repeat(64)}…" 不存在`);
  });
});
