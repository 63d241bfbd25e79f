import { describe, expect, it } from 'vitest';
import { compileWhere, parseWhereJson, rawCondition, type Condition, type Logic } from '../../src/where/index.js';
import { badRequestOf, dialects, golden, items } from './support/fixtures.js';

function where(json: string, logic: Logic = 'and') {
  return golden((d) => compileWhere({ logic, items: parseWhereJson(json) }, items, d));
}

describe('compileWhere: operators and value forms (golden SQL per dialect)', () => {
  it('compiles an empty condition set to a tautology', () => {
    expect(where('')).toEqual({ sqlite: '1=1', mysql: '1=1', mssql: '1=1', params: [] });
    expect(where('[]')).toEqual({ sqlite: '1=1', mysql: '1=1', mssql: '1=1', params: [] });
  });

  it('EQ and its symbol; a numeric string becomes a number for an integer column (the tree example)', () => {
    const expected = { sqlite: '"id" >= ?', mysql: '`id` >= ?', mssql: '[id] >= @p1', params: [1] };
    expect(where('[["id", ">=", "1"]]')).toEqual(expected);
    expect(where('[["id", "GE", 1]]')).toEqual(expected);
    expect(where('[["id", "ge", " 1 "]]')).toEqual(expected);
    expect(where('[["id", "=", 9]]')).toEqual({ sqlite: '"id" = ?', mysql: '`id` = ?', mssql: '[id] = @p1', params: [9] });
    expect(where('[["id", "eq", 9]]')).toEqual(where('[["id", "=", 9]]'));
  });

  it.each([
    ['NE', '<>'],
    ['<>', '<>'],
    ['!=', '<>'],
    ['GT', '>'],
    ['>', '>'],
    ['GE', '>='],
    ['LT', '<'],
    ['<', '<'],
    ['LE', '<='],
    ['<=', '<='],
  ])('%s compiles to %s', (op, symbol) => {
    expect(where(JSON.stringify([['qty', op, 5]]))).toEqual({
      sqlite: `"qty" ${symbol} ?`,
      mysql: `\`qty\` ${symbol} ?`,
      mssql: `[qty] ${symbol} @p1`,
      params: [5],
    });
  });

  it('binds a decimal column value, a text column value as text and booleans as 1/0', () => {
    expect(where('[["price", "<", "12.50"], ["name", "=", 5], ["qty", "=", true], ["name", "NE", false]]')).toEqual({
      sqlite: '"price" < ? AND "name" = ? AND "qty" = ? AND "name" <> ?',
      mysql: '`price` < ? AND `name` = ? AND `qty` = ? AND `name` <> ?',
      mssql: '[price] < @p1 AND [name] = @p2 AND [qty] = @p3 AND [name] <> @p4',
      params: [12.5, '5', 1, '0'],
    });
  });

  it('keeps an integer beyond 2^53 exact as text', () => {
    expect(where('[["id", "=", "12345678901234567890"]]').params).toEqual(['12345678901234567890']);
  });

  it('accepts date and time text for a datetime column, numbers for a YEAR column', () => {
    expect(where('[["add_time", ">", "2020-01-01"], ["add_time", "<=", "2020-12-31 23:59:59"], ["year", "=", "2020"]]')).toEqual({
      sqlite: '"add_time" > ? AND "add_time" <= ? AND "year" = ?',
      mysql: '`add_time` > ? AND `add_time` <= ? AND `year` = ?',
      mssql: '[add_time] > @p1 AND [add_time] <= @p2 AND [year] = @p3',
      params: ['2020-01-01', '2020-12-31 23:59:59', 2020],
    });
  });

  it('EQ null is IS NULL, NE null is IS NOT NULL', () => {
    expect(where('[["qty", "=", null], ["name", "NE", null]]')).toEqual({
      sqlite: '"qty" IS NULL AND "name" IS NOT NULL',
      mysql: '`qty` IS NULL AND `name` IS NOT NULL',
      mssql: '[qty] IS NULL AND [name] IS NOT NULL',
      params: [],
    });
  });

  it('LIKE without % means contains: the text is escaped and the ESCAPE clause added', () => {
    expect(where('[["name", "LIKE", "50_off!"]]')).toEqual({
      sqlite: `"name" LIKE ? ESCAPE '!'`,
      mysql: "`name` LIKE ? ESCAPE '!'",
      mssql: `[name] LIKE @p1 ESCAPE '!'`,
      params: ['%50!_off!!%'],
    });
    // SQL Server also reads [ as a class opener.
    expect(where('[["name", "LIKE", "[x]"]]')).toMatchObject({ params: ['%[x]%'], mssqlParams: ['%![x]%'] });
    expect(where('[["name", "LIKE", 42]]').params).toEqual(['%42%']);
  });

  it("LIKE with % keeps the caller's pattern: _ a wildcard, ! the escape character", () => {
    expect(where('[["name", "LIKE", "a_c%"]]').params).toEqual(['a_c%']);
    expect(where('[["name", "LIKE", "100!%%"]]').params).toEqual(['100!%%']);
    expect(where('[["name", "LIKE", "%x!"]]').params).toEqual(['%x!!']);
    expect(where('[["name", "LIKE", "%[a]"]]')).toMatchObject({ params: ['%[a]'], mssqlParams: ['%![a]'] });
  });

  it('NLIKE is NOT LIKE', () => {
    expect(where('[["name", "NLIKE", "x"]]')).toEqual({
      sqlite: `"name" NOT LIKE ? ESCAPE '!'`,
      mysql: "`name` NOT LIKE ? ESCAPE '!'",
      mssql: `[name] NOT LIKE @p1 ESCAPE '!'`,
      params: ['%x%'],
    });
  });

  it('IN and NIN take an array or a comma-separated string', () => {
    const expected = {
      sqlite: '"qty" IN (?, ?, ?)',
      mysql: '`qty` IN (?, ?, ?)',
      mssql: '[qty] IN (@p1, @p2, @p3)',
      params: [2020, 2021, 2022],
    };
    expect(where('[["qty", "IN", [2020, 2021, 2022]]]')).toEqual(expected);
    expect(where('[["qty", "in", "2020,2021,2022"]]')).toEqual(expected);
    expect(where('[["name", "NIN", "a,b"]]')).toEqual({
      sqlite: '"name" NOT IN (?, ?)',
      mysql: '`name` NOT IN (?, ?)',
      mssql: '[name] NOT IN (@p1, @p2)',
      params: ['a', 'b'],
    });
    expect(where('[["qty", "IN", 7]]').params).toEqual([7]);
  });

  it('a null in an IN list also matches NULL rows; in NIN it excludes them', () => {
    expect(where('[["qty", "IN", [1, null]], ["qty", "NIN", [2, null]]]')).toEqual({
      sqlite: '("qty" IN (?) OR "qty" IS NULL) AND ("qty" NOT IN (?) AND "qty" IS NOT NULL)',
      mysql: '(`qty` IN (?) OR `qty` IS NULL) AND (`qty` NOT IN (?) AND `qty` IS NOT NULL)',
      mssql: '([qty] IN (@p1) OR [qty] IS NULL) AND ([qty] NOT IN (@p2) AND [qty] IS NOT NULL)',
      params: [1, 2],
    });
    expect(where('[["qty", "IN", [null]], ["qty", "NIN", [null]]]').sqlite).toBe('"qty" IS NULL AND "qty" IS NOT NULL');
  });

  it('BETWEEN and NBETWEEN take a pair as a 2-array or "a,b"', () => {
    const expected = {
      sqlite: '"qty" BETWEEN ? AND ?',
      mysql: '`qty` BETWEEN ? AND ?',
      mssql: '[qty] BETWEEN @p1 AND @p2',
      params: [1, 10],
    };
    expect(where('[["qty", "BETWEEN", [1, 10]]]')).toEqual(expected);
    expect(where('[["qty", "between", "1,10"]]')).toEqual(expected);
    expect(where('[["add_time", "NBETWEEN", ["2020-01-01", "2020-02-01"]]]')).toEqual({
      sqlite: '"add_time" NOT BETWEEN ? AND ?',
      mysql: '`add_time` NOT BETWEEN ? AND ?',
      mssql: '[add_time] NOT BETWEEN @p1 AND @p2',
      params: ['2020-01-01', '2020-02-01'],
    });
  });

  it('joins conditions under logic and parenthesizes what needs it', () => {
    expect(where('[["id", ">", 9], ["id", "<=", 10]]', 'or')).toEqual({
      sqlite: '"id" > ? OR "id" <= ?',
      mysql: '`id` > ? OR `id` <= ?',
      mssql: '[id] > @p1 OR [id] <= @p2',
      params: [9, 10],
    });
    expect(where('["id > 9 OR id < 3", ["qty", "IN", [1, null]], "name IS NOT NULL"]')).toEqual({
      sqlite: '("id" > ? OR "id" < ?) AND ("qty" IN (?) OR "qty" IS NULL) AND "name" IS NOT NULL',
      mysql: '(`id` > ? OR `id` < ?) AND (`qty` IN (?) OR `qty` IS NULL) AND `name` IS NOT NULL',
      mssql: '([id] > @p1 OR [id] < @p2) AND ([qty] IN (@p3) OR [qty] IS NULL) AND [name] IS NOT NULL',
      params: [9, 3, 1],
    });
  });

  it('compiles nested groups', () => {
    const tree: Condition[] = [
      { kind: 'compare', field: 'id', op: 'GT', value: 1 },
      {
        kind: 'group',
        logic: 'or',
        items: [
          { kind: 'compare', field: 'qty', op: 'EQ', value: 2 },
          { kind: 'group', logic: 'and', items: [{ kind: 'compare', field: 'name', op: 'EQ', value: 'x' }, { kind: 'compare', field: 'qty', op: 'LT', value: 0 }] },
        ],
      },
      { kind: 'group', logic: 'or', items: [] },
    ];
    expect(golden((d) => compileWhere({ logic: 'and', items: tree }, items, d))).toEqual({
      sqlite: '"id" > ? AND ("qty" = ? OR ("name" = ? AND "qty" < ?)) AND 1=1',
      mysql: '`id` > ? AND (`qty` = ? OR (`name` = ? AND `qty` < ?)) AND 1=1',
      mssql: '[id] > @p1 AND ([qty] = @p2 OR ([name] = @p3 AND [qty] < @p4)) AND 1=1',
      params: [1, 2, 'x', 0],
    });
  });
});

describe('compileWhere: parentheses and odd values', () => {
  it('parenthesizes a raw AND/OR next to other conditions, never a single comparison or NOT', () => {
    expect(where('["NOT (id = 1)", "id = 2 OR id = 3", "id = 4 AND id = 5", ["qty", "IN", [1, null]]]', 'or')).toMatchObject({
      sqlite: 'NOT ("id" = ?) OR ("id" = ? OR "id" = ?) OR ("id" = ? AND "id" = ?) OR ("qty" IN (?) OR "qty" IS NULL)',
      params: [1, 2, 3, 4, 5, 1],
    });
    expect(where('["id = 2 OR id = 3"]')).toMatchObject({ sqlite: '"id" = ? OR "id" = ?' });
  });

  it('a one-item group is its item; a group keeps the parentheses its item needs', () => {
    const tree: Condition[] = [
      { kind: 'group', logic: 'or', items: parseWhereJson('["id = 2 OR id = 3"]') },
      { kind: 'group', logic: 'and', items: [{ kind: 'compare', field: 'id', op: 'EQ', value: 1 }] },
    ];
    expect(golden((d) => compileWhere({ logic: 'and', items: tree }, items, d))).toMatchObject({ sqlite: '("id" = ? OR "id" = ?) AND "id" = ?', params: [2, 3, 1] });
  });

  it('LIKE takes a boolean as its text; an empty value or a lone % matches everything', () => {
    expect(where('[["name", "LIKE", true], ["name", "NLIKE", ""], ["name", "LIKE", "%"]]').params).toEqual(['%1%', '%', '%']);
  });

  it('an IN list of nulls only is a NULL test', () => {
    expect(where('[["qty", "NIN", [null, null]]]')).toMatchObject({ sqlite: '"qty" IS NOT NULL', params: [] });
  });

  it('names the parameter a condition came from', () => {
    const bad: Condition[] = [{ kind: 'compare', field: 'qty', op: 'GT', value: 'x', param: 'where_qty' }];
    expect(badRequestOf(() => compileWhere({ logic: 'and', items: bad }, items, dialects.sqlite))).toBe('客户端非法请求：参数where_qty中字段 qty 的值 "x" 不是数值');
    expect(badRequestOf(() => compileWhere({ logic: 'and', items: [{ kind: 'raw', text: 'nope = 1', expr: (rawCondition('nope = 1') as Condition & { kind: 'raw' }).expr, param: 'more' }] }, items, dialects.sqlite))).toBe(
      '客户端非法请求：参数more中的字段 nope 不存在',
    );
  });
});

describe('compileWhere: refusals', () => {
  const refuse = (json: string) => badRequestOf(() => compileWhere({ logic: 'and', items: parseWhereJson(json) }, items, dialects.sqlite));

  it.each([
    ['[["nope", "=", 1]]', '客户端非法请求：参数where中的字段 nope 不存在'],
    ['[["id; DROP TABLE items", "=", 1]]', '客户端非法请求：参数where中的字段 "id; DROP TABLE items" 不存在'],
    ['[["id", "===", 1]]', '客户端非法请求：参数where中的比较符 "===" 不支持（可用：= <> != > >= < <= EQ NE GT GE LT LE LIKE NLIKE IN NIN BETWEEN NBETWEEN）'],
    ['[["id", "=", "abc"]]', '客户端非法请求：参数where中字段 id 的值 "abc" 不是数值'],
    ['[["id", "=", ""]]', '客户端非法请求：参数where中字段 id 的值 "" 不是数值'],
    ['[["add_time", ">", "yesterday"]]', '客户端非法请求：参数where中字段 add_time 的值 "yesterday" 不是日期时间'],
    ['[["add_time", ">", 20200101]]', '客户端非法请求：参数where中字段 add_time 的值 "20200101" 不是日期时间'],
    ['[["id", "=", [1, 2]]]', '客户端非法请求：参数where中字段 id 的EQ值应该是单个值，不能是数组或对象'],
    ['[["id", "=", {"a": 1}]]', '客户端非法请求：参数where中字段 id 的EQ值应该是单个值，不能是数组或对象'],
    ['[["id", "IN", []]]', '客户端非法请求：参数where中字段 id 的IN值列表不能为空'],
    ['[["id", "IN", ""]]', '客户端非法请求：参数where中字段 id 的IN值列表不能为空'],
    ['[["id", "IN", [[1]]]]', '客户端非法请求：参数where中字段 id 的IN值只能是数字、字符串、布尔值或null，不能嵌套数组或对象'],
    ['[["id", "IN", {"a": 1}]]', '客户端非法请求：参数where中字段 id 的IN值应该是数组或逗号分隔的字符串'],
    ['[["id", "BETWEEN", [1]]]', '客户端非法请求：参数where中字段 id 的BETWEEN需要恰好两个值，但现在有1个'],
    ['[["id", "BETWEEN", "1,2,3"]]', '客户端非法请求：参数where中字段 id 的BETWEEN需要恰好两个值，但现在有3个'],
    ['[["id", "BETWEEN", [1, null]]]', '客户端非法请求：参数where中字段 id 的BETWEEN值不能是null'],
    ['[["id", "GT", null]]', '客户端非法请求：参数where中字段 id 的GT值不能是null（只有EQ、NE、IN、NIN可以与null比较）'],
    ['[["name", "LIKE", null]]', '客户端非法请求：参数where中字段 name 的LIKE值不能是null'],
    ['[["name", "NLIKE", "a\\u0000"]]', '客户端非法请求：参数where中字段 name 的NLIKE值不能含有NUL字符'],
    ['[["id", "=", 1, 2]]', '客户端非法请求：参数where中的第1个条件格式错误：应该是["字段", "比较符", 值]或条件字符串'],
    ['[42]', '客户端非法请求：参数where中的第1个条件格式错误：应该是["字段", "比较符", 值]或条件字符串'],
    ['{"id": 1}', '客户端非法请求：参数where应该是JSON数组，如[["id", ">=", 1], "id <= 10"]'],
    ['[["id", "=", 1]', '客户端非法请求：参数where的JSON数据格式错误'],
    ["[['id', '=', 1]]", '客户端非法请求：参数where的JSON数据格式错误'],
  ])('%s → %s', (json, message) => {
    expect(refuse(json)).toBe(message);
  });

  it('checks hand-built conditions the same way', () => {
    const bad: Condition = { kind: 'compare', field: 'id', op: 'SOUNDS' as never, value: 1 };
    expect(badRequestOf(() => compileWhere({ logic: 'and', items: [bad] }, items, dialects.mysql))).toMatch(/^客户端非法请求：参数where中的比较符 "SOUNDS" 不支持（/);
    expect(badRequestOf(() => compileWhere({ logic: 'xor' as never, items: [] }, items, dialects.mysql))).toBe('客户端非法请求：参数logic应该是and或or，但现在logic = "xor"');
    const group: Condition = { kind: 'group', logic: 'xor' as never, items: [] };
    expect(badRequestOf(() => compileWhere({ logic: 'and', items: [group] }, items, dialects.mysql, 'filter'))).toBe('客户端非法请求：参数filter中的分组逻辑应该是and或or');
    expect(badRequestOf(() => compileWhere({ logic: 'or', items: [{ kind: 'compare', field: 'qty', op: 'IN', value: '1,' }] }, items, dialects.mysql))).toBe(
      '客户端非法请求：参数where中字段 qty 的值 "" 不是数值',
    );
  });

  it('names the parameter given', () => {
    expect(badRequestOf(() => compileWhere({ logic: 'and', items: parseWhereJson('[["nope", "=", 1]]', 'conditions') }, items, dialects.sqlite, 'conditions'))).toBe(
      '客户端非法请求：参数conditions中的字段 nope 不存在',
    );
  });
});
