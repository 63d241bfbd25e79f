/**
 * How a value becomes the type of the column it meets (values.ts): which texts are numbers and
 * dates, integers beyond 2^53, booleans, and the lengths data is measured in.
 */
import { describe, expect, it } from 'vitest';
import { render } from '../../src/db/sql.js';
import { tableInfo } from '../../src/db/store.js';
import { checkData, compileWhere, parseWhereJson, type Condition, type Scalar } from '../../src/where/index.js';
import { badRequestOf, dialects, items } from './support/fixtures.js';

/** The value bound for `field = value`, or the 400's message. */
function bound(field: string, value: unknown): unknown {
  const where = { logic: 'and' as const, items: parseWhereJson(JSON.stringify([[field, '=', value]])) };
  try {
    return render(compileWhere(where, items, dialects.sqlite), dialects.sqlite).params[0];
  } catch {
    return badRequestOf(() => compileWhere(where, items, dialects.sqlite));
  }
}
const notA = (field: string, value: unknown, type: string) => `客户端非法请求：参数where中字段 ${field} 的值 ${JSON.stringify(typeof value === 'string' ? value : JSON.stringify(value))} 不是${type}`;

describe('numbers', () => {
  it.each([
    ['5', 5],
    ['+5', 5],
    ['-5', -5],
    [' 7 ', 7],
    ['\n7\t', 7],
    ['1.', 1],
    ['.5', 0.5],
    ['.25', 0.25],
    ['1e10', 1e10],
    ['1.25', 1.25],
    ['1e3', 1000],
    ['1E+3', 1000],
    ['1e-3', 0.001],
    ['1.5e20', 1.5e20],
    [5, 5],
    [-2.5, -2.5],
    [true, 1],
    [false, 0],
  ])('%j is the number %j', (value, number) => {
    expect(bound('qty', value)).toBe(number);
  });

  it.each(['0x10', '0X1f', '0b1', '0o7', '1e999', '-1e999', 'Infinity', '-Infinity', 'NaN', '1_000', '', ' ', '.', '+', '-', 'e5', '5e', '1.2.3', '1 2', '٣', '1,5', 'abc', '5abc'])(
    '%j is no number',
    (value) => {
      expect(bound('qty', value)).toBe(notA('qty', value, '数值'));
    },
  );

  it('keeps an integer beyond 2^53 exact as text, without a plus sign; a safe one is a number', () => {
    expect(bound('qty', '9007199254740991')).toBe(9007199254740991);
    expect(bound('qty', '-9007199254740991')).toBe(-9007199254740991);
    expect(bound('qty', '9007199254740992')).toBe('9007199254740992');
    expect(bound('qty', '-9007199254740992')).toBe('-9007199254740992');
    expect(bound('qty', '+12345678901234567890')).toBe('12345678901234567890');
    expect(bound('qty', ' 12345678901234567890 ')).toBe('12345678901234567890');
    // Not an integer: a number, rounded as a decimal would be.
    expect(bound('qty', '12345678901234567890.5')).toBe(Number('12345678901234567890.5'));
  });

  it('a decimal and a YEAR column take numbers too', () => {
    expect(bound('price', '12.50')).toBe(12.5);
    expect(bound('year', '2020')).toBe(2020);
    expect(bound('year', '2020-01-01')).toBe(notA('year', '2020-01-01', '数值'));
  });
});

describe('dates and times', () => {
  it.each([
    '2020-01-01',
    '2020-1-2',
    '2020-01-01 10:00',
    '2020-01-01T10:00',
    '2020-01-01 10:00:00',
    '2020-01-01 10:00:00.5',
    '2020-01-01 10:00:00.1234567',
    '2020-01-01 10:00:00Z',
    '2020-01-01T10:00:00+08:00',
    '2020-01-01T10:00:00-0800',
    '2020-01-01 10:00:00.5+08:00',
    '2020-01-01Z',
    '10:00',
    '1:00',
    '10:00:00',
    '10:00:00.25',
  ])('%j is a date or time', (value) => {
    expect(bound('add_time', value)).toBe(value);
  });

  it('is trimmed', () => {
    expect(bound('add_time', ' 2020-01-01 ')).toBe('2020-01-01');
  });

  it.each([
    '20-01-01',
    '12020-01-01',
    '2020-001-01',
    '2020-01-011',
    '2020/01/01',
    'x2020-01-01',
    '2020-01-01X',
    '2020-01-01 10',
    '2020-01-01 10:0',
    '2020-01-01  10:00',
    '2020-01-01 10:00:000',
    '2020-01-01 10:00:00.',
    '2020-01-01 10:00:00.12345678',
    '2020-01-01 10:00:00 +08:00',
    '2020-01-01T10:00+8:00',
    '2020-01-01+08',
    '100:00',
    '10:00Z',
    'yesterday',
    '',
  ])('%j is no date', (value) => {
    expect(bound('add_time', value)).toBe(notA('add_time', value, '日期时间'));
  });

  it('numbers and booleans are no dates', () => {
    expect(bound('add_time', 20200101)).toBe(notA('add_time', 20200101, '日期时间'));
    expect(bound('add_time', true)).toBe(notA('add_time', true, '日期时间'));
  });
});

describe('text and untyped columns', () => {
  it('a text column takes numbers and booleans as their text', () => {
    expect(bound('name', 5)).toBe('5');
    expect(bound('name', 1.5)).toBe('1.5');
    expect(bound('name', true)).toBe('1');
    expect(bound('name', false)).toBe('0');
    expect(bound('name', ' x ')).toBe(' x ');
  });

  it('a column of no comparable type (a blob) takes values as they are, booleans as 1 and 0', () => {
    expect(bound('blob', 'x')).toBe('x');
    expect(bound('blob', 5)).toBe(5);
    expect(bound('blob', true)).toBe(1);
    expect(bound('blob', false)).toBe(0);
  });
});

describe('value forms of hand-built conditions', () => {
  const compile = (value: unknown, op: Condition & { kind: 'compare' } extends { op: infer O } ? O : never = 'EQ') =>
    badRequestOf(() => compileWhere({ logic: 'and', items: [{ kind: 'compare', field: 'qty', op, value: value as Scalar }] }, items, dialects.sqlite));

  it('refuses numbers that are not finite', () => {
    expect(compile(Number.POSITIVE_INFINITY)).toBe('客户端非法请求：参数where中字段 qty 的EQ值应该是单个值，不能是数组或对象');
    expect(compile(Number.NaN)).toBe('客户端非法请求：参数where中字段 qty 的EQ值应该是单个值，不能是数组或对象');
    expect(compile([1, Number.NaN], 'IN')).toBe('客户端非法请求：参数where中字段 qty 的IN值只能是数字、字符串、布尔值或null，不能嵌套数组或对象');
    expect(compile(Number.NEGATIVE_INFINITY, 'BETWEEN')).toBe('客户端非法请求：参数where中字段 qty 的BETWEEN值应该是数组或逗号分隔的字符串');
  });

  it('a lone scalar is a one-item list; BETWEEN needs two', () => {
    expect(compile(true, 'BETWEEN')).toBe('客户端非法请求：参数where中字段 qty 的BETWEEN需要恰好两个值，但现在有1个');
    expect(compile('', 'NBETWEEN')).toBe('客户端非法请求：参数where中字段 qty 的NBETWEEN需要恰好两个值，但现在有0个');
    expect(compile([null, 1], 'BETWEEN')).toBe('客户端非法请求：参数where中字段 qty 的BETWEEN值不能是null');
    expect(compile([1, null], 'NBETWEEN')).toBe('客户端非法请求：参数where中字段 qty 的NBETWEEN值不能是null');
    expect(compile({ a: 1 }, 'IN')).toBe('客户端非法请求：参数where中字段 qty 的IN值应该是数组或逗号分隔的字符串');
    const sqlOf = (value: unknown, op: 'IN' | 'NIN') =>
      render(compileWhere({ logic: 'and', items: [{ kind: 'compare', field: 'qty', op, value: value as Scalar }] }, items, dialects.sqlite), dialects.sqlite).text;
    expect(sqlOf(null, 'IN')).toBe('"qty" IS NULL');
    expect(sqlOf(undefined, 'NIN')).toBe('"qty" IS NOT NULL');
    expect(sqlOf(7, 'IN')).toBe('"qty" IN (?)');
  });
});

describe('data lengths', () => {
  const table = tableInfo('notes', [
    { name: 'id', kind: 'integer', rawType: 'int', nullable: false, primaryKey: true, maxLength: null },
    { name: 'title', kind: 'text', rawType: 'varchar', nullable: true, primaryKey: false, maxLength: 3 },
    { name: 'code', kind: 'integer', rawType: 'int', nullable: true, primaryKey: false, maxLength: 4 },
  ]);

  it('measures text in characters (code points), up to and including the column length', () => {
    expect(() => checkData({ title: 'abc' }, table)).not.toThrow();
    expect(() => checkData({ title: '😀😀😀' }, table)).not.toThrow();
    expect(() => checkData({ title: '小白兔' }, table)).not.toThrow();
    expect(badRequestOf(() => checkData({ title: 'abcd' }, table))).toBe('客户端非法请求：参数data中字段 title 的值最多3个字符, 但现在有4个');
    expect(badRequestOf(() => checkData({ title: '😀😀😀😀' }, table, 'data_title'))).toBe('客户端非法请求：参数data_title中字段 title 的值最多3个字符, 但现在有4个');
  });

  it('measures numbers by their text', () => {
    expect(() => checkData({ code: 1234 }, table)).not.toThrow();
    expect(badRequestOf(() => checkData({ code: 12345 }, table))).toBe('客户端非法请求：参数data中字段 code 的值最多4个字符, 但现在有5个');
    expect(() => checkData({ code: null }, table)).not.toThrow();
  });

  it('measures a value as written: a boolean goes to a text column as 1 or 0', () => {
    expect(() => checkData({ title: true }, table)).not.toThrow();
    expect(() => checkData({ title: false }, table)).not.toThrow();
  });

  it('refuses a value that is no scalar', () => {
    expect(badRequestOf(() => checkData({ title: [1] as never }, table))).toBe('客户端非法请求：参数data中字段 title 的值应该是单个值，不能是数组或对象');
    expect(badRequestOf(() => checkData({ code: Number.POSITIVE_INFINITY }, table))).toBe('客户端非法请求：参数data中字段 code 的值应该是单个值，不能是数组或对象');
  });
});
