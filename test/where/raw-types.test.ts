/**
 * The type check of raw conditions (compile-raw.ts): what each function takes and gives, what
 * arithmetic and BETWEEN accept, and the type a literal is bound as.
 */
import { describe, expect, it } from 'vitest';
import { compileWhere, rawCondition } from '../../src/where/index.js';
import { badRequestOf, dialects, golden, items } from './support/fixtures.js';

const compiled = (text: string) => golden((d) => compileWhere({ logic: 'and', items: [rawCondition(text)] }, items, d));
/** The SQLite text and params. */
const sqlite = (text: string) => {
  const g = compiled(text);
  return [g.sqlite, g.params] as const;
};
const mistyped = (text: string) => badRequestOf(() => compileWhere({ logic: 'and', items: [rawCondition(text)] }, items, dialects.sqlite));

describe('raw functions: every accepted spelling, per engine', () => {
  it.each([
    ['LENGTH(name) = 1', 'LENGTH("name") = ?', 'CHAR_LENGTH(`name`) = ?', 'LEN([name]) = @p1'],
    ['CHAR_LENGTH(name) = 1', 'LENGTH("name") = ?', 'CHAR_LENGTH(`name`) = ?', 'LEN([name]) = @p1'],
    ['CHARACTER_LENGTH(name) = 1', 'LENGTH("name") = ?', 'CHAR_LENGTH(`name`) = ?', 'LEN([name]) = @p1'],
    ["LOWER(name) = 'a'", 'LOWER("name") = ?', 'LOWER(`name`) = ?', 'LOWER([name]) = @p1'],
    ["LCASE(name) = 'a'", 'LOWER("name") = ?', 'LOWER(`name`) = ?', 'LOWER([name]) = @p1'],
    ["UPPER(name) = 'a'", 'UPPER("name") = ?', 'UPPER(`name`) = ?', 'UPPER([name]) = @p1'],
    ["UCASE(name) = 'a'", 'UPPER("name") = ?', 'UPPER(`name`) = ?', 'UPPER([name]) = @p1'],
    ["TRIM(name) = 'a'", 'TRIM("name") = ?', 'TRIM(`name`) = ?', 'TRIM([name]) = @p1'],
    ["LTRIM(name) = 'a'", 'LTRIM("name") = ?', 'LTRIM(`name`) = ?', 'LTRIM([name]) = @p1'],
    ["RTRIM(name) = 'a'", 'RTRIM("name") = ?', 'RTRIM(`name`) = ?', 'RTRIM([name]) = @p1'],
    ['ABS(qty) = 1', 'ABS("qty") = ?', 'ABS(`qty`) = ?', 'ABS([qty]) = @p1'],
    ['ROUND(price) = 1', 'ROUND("price", 0) = ?', 'ROUND(`price`, 0) = ?', 'ROUND([price], 0) = @p1'],
    ['COALESCE(qty, id) = 1', 'COALESCE("qty", "id") = ?', 'COALESCE(`qty`, `id`) = ?', 'COALESCE([qty], [id]) = @p1'],
    ['IFNULL(qty, id) = 1', 'COALESCE("qty", "id") = ?', 'COALESCE(`qty`, `id`) = ?', 'COALESCE([qty], [id]) = @p1'],
    ['MOD(qty, id) = 1', '("qty" % NULLIF("id", 0)) = ?', '(`qty` % NULLIF(`id`, 0)) = ?', '([qty] % NULLIF([id], 0)) = @p1'],
    ['lower(name) = 1', 'LOWER("name") = ?', 'LOWER(`name`) = ?', 'LOWER([name]) = @p1'],
  ])('%s', (text, sqliteText, mysqlText, mssqlText) => {
    expect(compiled(text)).toMatchObject({ sqlite: sqliteText, mysql: mysqlText, mssql: mssqlText });
  });

  it('takes each count of arguments the function allows', () => {
    expect(sqlite('ROUND(price, -30) = 1 AND ROUND(price, 30) = 1')).toEqual(['ROUND("price", ?) = ? AND ROUND("price", ?) = ?', [-30, 1, 30, 1]]);
    const sixteen = Array.from({ length: 16 }, () => 'qty').join(', ');
    expect(sqlite(`COALESCE(${sixteen}) = 1`)[0]).toBe(`COALESCE(${Array.from({ length: 16 }, () => '"qty"').join(', ')}) = ?`);
  });
});

describe('raw conditions: what each function takes', () => {
  it('text functions take text, text literals and numeric literals; no number or date expression', () => {
    expect(sqlite("LOWER(5) = 'x' AND UPPER('a') = name")).toEqual(['LOWER(?) = ? AND UPPER(?) = "name"', ['5', 'x', 'a']]);
    for (const fn of ['LOWER', 'UPPER', 'TRIM', 'LTRIM', 'RTRIM']) {
      expect(mistyped(`${fn}(qty) = 'a'`), fn).toContain(`有误：函数 ${fn} 不能用于数值`);
      expect(mistyped(`${fn}(add_time) = 'a'`), fn).toContain(`有误：函数 ${fn} 不能用于日期时间`);
    }
    expect(mistyped("LOWER(ABS(qty)) = 'a'")).toContain('有误：函数 LOWER 不能用于数值');
    expect(mistyped("LOWER(qty + 1) = 'a'")).toContain('有误：函数 LOWER 不能用于数值');
  });

  it('LENGTH takes text or numbers, not dates', () => {
    expect(sqlite('LENGTH(qty) = 1 AND LENGTH(name) = 2 AND LENGTH(5) = 1')).toEqual(['LENGTH("qty") = ? AND LENGTH("name") = ? AND LENGTH(?) = ?', [1, 2, 5, 1]]);
    expect(mistyped('LENGTH(add_time) = 1')).toContain('有误：函数 LENGTH 不能用于日期时间');
  });

  it('ABS, ROUND, arithmetic and unary minus take numbers only', () => {
    for (const text of ['ABS(name) = 1', 'ROUND(name) = 1', 'name * 2 = 1', '2 - name = 1', '-name = 1']) {
      expect(mistyped(text), text).toContain('有误：算术运算和ABS、ROUND只能用于数值，不能用于文本');
    }
    for (const text of ['ABS(add_time) = 1', 'add_time + 1 > 0', '1 + add_time > 0', '-add_time = 1']) {
      expect(mistyped(text), text).toContain('有误：算术运算和ABS、ROUND只能用于数值，不能用于日期时间');
    }
    expect(mistyped("qty / 'a' = 1")).toContain('有误："a" 不是数值，不能参与算术运算');
    expect(mistyped("-'a' = 1")).toContain('有误："a" 不是数值，不能参与算术运算');
    expect(sqlite("-'5' = qty AND qty + NULL = 1 AND `blob` * 2 = 1")).toEqual(['-(?) = "qty" AND ("qty" + NULL) = ? AND ("blob" * ?) = ?', [5, 1, 2, 1]]);
  });
});

describe('raw conditions: what each function gives', () => {
  it('LENGTH, ABS and ROUND give numbers', () => {
    for (const text of ["LENGTH(name) = 'x'", "ABS(qty) = 'x'", "ROUND(price) = 'x'", "ROUND(price, 1) = 'x'"]) {
      expect(mistyped(text), text).toContain('有误："x" 不是数值');
    }
    expect(mistyped('LENGTH(name) = title')).toContain('有误：数值与文本不能相互比较');
    expect(sqlite("LENGTH(name) = '3' AND ROUND(price, 2) = '1.5'")[1]).toEqual([3, 2, 1.5]);
  });

  it('the text functions give text', () => {
    for (const fn of ['LOWER', 'UPPER', 'TRIM', 'LTRIM', 'RTRIM']) {
      expect(sqlite(`${fn}(name) = 5`), fn).toEqual([`${fn}("name") = ?`, ['5']]);
      expect(mistyped(`${fn}(name) = qty`), fn).toContain('有误：文本与数值不能相互比较');
    }
  });

  it('COALESCE gives the type its arguments agree on', () => {
    expect(mistyped("COALESCE(qty, 1) = 'a'")).toContain('有误："a" 不是数值');
    expect(mistyped("COALESCE(1, 2) = 'a'")).toContain('有误："a" 不是数值');
    expect(mistyped("COALESCE(qty, 'x') = 1")).toContain('有误："x" 不是数值');
    expect(mistyped('COALESCE(qty, name) = 1')).toContain('有误：数值与文本不能相互比较');
    expect(sqlite("COALESCE(name, 5) = 'a'")).toEqual(['COALESCE("name", ?) = ?', ['5', 'a']]);
    expect(sqlite('COALESCE(NULL, NULL) IS NULL AND COALESCE(NULL, NULL) = qty')).toEqual(['COALESCE(NULL, NULL) IS NULL AND COALESCE(NULL, NULL) = "qty"', []]);
    // A column of no comparable type (a blob) takes any literal as it is, and follows a typed argument.
    expect(sqlite("COALESCE(`blob`, 'a') = 1 AND COALESCE(`blob`, qty) = '2' AND `blob` = TRUE")).toEqual([
      'COALESCE("blob", ?) = ? AND COALESCE("blob", "qty") = ? AND "blob" = ?',
      ['a', 1, 2, 1],
    ]);
  });
});

describe('raw conditions: the values that meet', () => {
  it('BETWEEN binds its bounds as the type of its operand, whichever side is typed', () => {
    expect(sqlite("name BETWEEN 1 AND 5 AND qty BETWEEN '1' AND '5' AND 3 BETWEEN qty AND '4' AND '2' BETWEEN 1 AND qty")).toEqual([
      '"name" BETWEEN ? AND ? AND "qty" BETWEEN ? AND ? AND ? BETWEEN "qty" AND ? AND ? BETWEEN ? AND "qty"',
      ['1', '5', 1, 5, 3, 4, 2, 1],
    ]);
    expect(mistyped("qty BETWEEN 'a' AND 5")).toContain('有误："a" 不是数值');
    expect(mistyped("qty BETWEEN 1 AND 'x'")).toContain('有误："x" 不是数值');
    expect(mistyped('name BETWEEN qty AND 5')).toContain('有误：文本与数值不能相互比较');
    expect(mistyped('name BETWEEN 1 AND qty')).toContain('有误：文本与数值不能相互比较');
    expect(mistyped("add_time BETWEEN '2020-01-01' AND 5")).toContain('有误："5" 不是日期时间');
    expect(mistyped("1 BETWEEN 'a' AND 2")).toContain('有误：数值与文本不能相互比较');
  });

  it('IN binds its list as the type of its operand', () => {
    expect(sqlite("name NOT IN (1, TRUE) AND qty IN ('1', 2, NULL)")).toEqual(['"name" NOT IN (?, ?) AND "qty" IN (?, ?, NULL)', ['1', '1', 1, 2]]);
    expect(mistyped("qty IN ('a')")).toContain('有误："a" 不是数值');
    expect(mistyped("1 IN ('1', 2)")).toContain('有误：数值与文本不能相互比较');
    expect(mistyped("NULL IN (1, 'a')")).toContain('有误：数值与文本不能相互比较');
  });

  it('literals alone keep their own type; NULL meets anything', () => {
    expect(sqlite("NULL = 1 AND 'a' = NULL AND 1 = 2 AND 'a' = \"b\" AND NULL = NULL")).toEqual(['NULL = ? AND ? = NULL AND ? = ? AND ? = ? AND NULL = NULL', [1, 'a', 1, 2, 'a', 'b']]);
    expect(sqlite('qty = NULL AND name <> NULL')).toEqual(['"qty" = NULL AND "name" <> NULL', []]);
  });

  it('dates compare with date text only', () => {
    expect(sqlite("add_time > '2020-01-01' AND add_time <= add_time")).toEqual(['"add_time" > ? AND "add_time" <= "add_time"', ['2020-01-01']]);
    expect(mistyped('add_time = qty')).toContain('有误：日期时间与数值不能相互比较');
    expect(mistyped('name = add_time')).toContain('有误：文本与日期时间不能相互比较');
    expect(mistyped("add_time = 'soon'")).toContain('有误："soon" 不是日期时间');
  });

  it('LIKE and IS NULL take any typed operand, checking the columns it names', () => {
    expect(sqlite("qty LIKE '1%' AND add_time IS NOT NULL AND LOWER(name) NOT LIKE 'a'")).toEqual([
      `"qty" LIKE ? ESCAPE '!' AND "add_time" IS NOT NULL AND LOWER("name") NOT LIKE ? ESCAPE '!'`,
      ['1%', 'a'],
    ]);
    expect(badRequestOf(() => compileWhere({ logic: 'and', items: [rawCondition("nope LIKE 'a'")] }, items, dialects.sqlite))).toBe('客户端非法请求：参数where中的字段 nope 不存在');
    expect(badRequestOf(() => compileWhere({ logic: 'and', items: [rawCondition('nope IS NULL')] }, items, dialects.sqlite))).toBe('客户端非法请求：参数where中的字段 nope 不存在');
    expect(mistyped("LOWER(qty) LIKE 'a'")).toContain('有误：函数 LOWER 不能用于数值');
  });

  it('names the parameter and the text in a type error', () => {
    expect(badRequestOf(() => compileWhere({ logic: 'and', items: [rawCondition("qty = 'abc'", 'more')] }, items, dialects.sqlite, 'more'))).toBe(
      '客户端非法请求：参数more中的条件字符串 "qty = \'abc\'" 有误："abc" 不是数值',
    );
  });
});
