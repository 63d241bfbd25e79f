import { describe, expect, it } from 'vitest';
import { checkColumns, checkData, compileOrder, dataObject, parseDataJson, parseOrder, parseSelect, readData, type OrderTerm } from '../../src/where/index.js';
import { badRequestOf, dialects, golden, items } from './support/fixtures.js';

describe('order', () => {
  it('parses a JSON array, RAND, and a bare "col DIR" list', () => {
    expect(parseOrder('["id DESC", "add_time ASC"]')).toEqual([
      { kind: 'column', column: 'id', direction: 'DESC' },
      { kind: 'column', column: 'add_time', direction: 'ASC' },
    ]);
    expect(parseOrder('RAND')).toEqual([{ kind: 'random' }]);
    expect(parseOrder('["rand()"]')).toEqual([{ kind: 'random' }]);
    expect(parseOrder('"id desc"')).toEqual([{ kind: 'column', column: 'id', direction: 'DESC' }]);
    expect(parseOrder('id DESC')).toEqual([{ kind: 'column', column: 'id', direction: 'DESC' }]);
    expect(parseOrder('  qty ,  id  desc ')).toEqual([
      { kind: 'column', column: 'qty', direction: 'ASC' },
      { kind: 'column', column: 'id', direction: 'DESC' },
    ]);
    expect(parseOrder(undefined)).toEqual([]);
    expect(parseOrder('')).toEqual([]);
    expect(parseOrder('[]')).toEqual([]);
  });

  it('compiles to quoted columns and the dialect random order', () => {
    expect(golden((d) => compileOrder(parseOrder('["id DESC", "RAND", "qty"]'), items, d))).toEqual({
      sqlite: '"id" DESC, RANDOM(), "qty" ASC',
      mysql: '`id` DESC, RAND(), `qty` ASC',
      mssql: '[id] DESC, NEWID(), [qty] ASC',
      params: [],
    });
    expect(compileOrder([], items, dialects.sqlite)).toBeNull();
  });

  it.each([
    ['["id DESC"', '客户端非法请求：参数order的JSON数据格式错误'],
    ['["id; DROP TABLE items"]', '客户端非法请求：参数order中的排序 "id; DROP TABLE items" 格式错误：应该是"字段 ASC"、"字段 DESC"或"RAND"'],
    ['["id DESC, name"]', '客户端非法请求：参数order中的排序 "id DESC, name" 格式错误：应该是"字段 ASC"、"字段 DESC"或"RAND"'],
    ['["id SIDEWAYS"]', '客户端非法请求：参数order中的排序 "id SIDEWAYS" 格式错误：应该是"字段 ASC"、"字段 DESC"或"RAND"'],
    ['[1]', '客户端非法请求：参数order中的排序 "1" 格式错误：应该是字符串，如"id DESC"'],
    ['(SELECT 1)', '客户端非法请求：参数order中的排序 "(SELECT 1)" 格式错误：应该是"字段 ASC"、"字段 DESC"或"RAND"'],
  ])('refuses %s', (text, message) => {
    expect(badRequestOf(() => parseOrder(text))).toBe(message);
  });

  it('refuses unknown columns and too many terms', () => {
    expect(badRequestOf(() => compileOrder(parseOrder('["nope DESC"]', 'sort'), items, dialects.sqlite, 'sort'))).toBe(
      '客户端非法请求：参数sort中的字段 nope 不存在',
    );
    expect(badRequestOf(() => parseOrder(JSON.stringify(Array.from({ length: 33 }, () => 'id'))))).toBe('客户端非法请求：参数order中的排序不能超过32个');
  });

  it('takes exactly 32 terms, in JSON or comma-separated', () => {
    expect(parseOrder(JSON.stringify(Array.from({ length: 32 }, () => 'id')))).toHaveLength(32);
    expect(parseOrder(Array.from({ length: 32 }, () => 'id').join(','))).toHaveLength(32);
    expect(badRequestOf(() => parseOrder(Array.from({ length: 33 }, () => 'id').join(',')))).toBe('客户端非法请求：参数order中的排序不能超过32个');
  });

  it('RAND alone is random; as a word among others, or inside a name, it is a column', () => {
    expect(parseOrder('RAND()')).toEqual([{ kind: 'random' }]);
    expect(parseOrder('RAND DESC')).toEqual([{ kind: 'column', column: 'RAND', direction: 'DESC' }]);
    expect(parseOrder('xRAND, RANDy')).toEqual([
      { kind: 'column', column: 'xRAND', direction: 'ASC' },
      { kind: 'column', column: 'RANDy', direction: 'ASC' },
    ]);
    expect(badRequestOf(() => parseOrder('RAND(1)'))).toBe('客户端非法请求：参数order中的排序 "RAND(1)" 格式错误：应该是"字段 ASC"、"字段 DESC"或"RAND"');
  });

  it('refuses empty terms and a third word', () => {
    expect(parseOrder('   ')).toEqual([]);
    for (const text of ['[""]', 'id,', '["id desc extra"]', '[" "]', 'id"', '["id;"]', 'id;']) {
      expect(badRequestOf(() => parseOrder(text)), text).toMatch(/^客户端非法请求：参数order中的排序 .* 格式错误：应该是"字段 ASC"、"字段 DESC"或"RAND"$/);
    }
    expect(parseOrder('["id", " qty  desc "]')).toEqual([
      { kind: 'column', column: 'id', direction: 'ASC' },
      { kind: 'column', column: 'qty', direction: 'DESC' },
    ]);
  });

  it('checks terms built elsewhere (the GraphQL face) the same way: direction, column and count', () => {
    const term = (direction: string) => ({ kind: 'column', column: 'id', direction }) as OrderTerm;
    expect(badRequestOf(() => compileOrder([term('SIDEWAYS')], items, dialects.sqlite))).toBe('客户端非法请求：参数order中的排序方向 "SIDEWAYS" 应该是ASC或DESC');
    expect(badRequestOf(() => compileOrder([term('asc')], items, dialects.sqlite, 'orderBy'))).toBe('客户端非法请求：参数orderBy中的排序方向 "asc" 应该是ASC或DESC');
    expect(badRequestOf(() => compileOrder([term('ASC; DROP TABLE items')], items, dialects.sqlite))).toContain('应该是ASC或DESC');
    expect(golden((d) => compileOrder([term('ASC'), term('DESC')], items, d))).toMatchObject({ sqlite: '"id" ASC, "id" DESC' });
    expect(compileOrder(Array.from({ length: 32 }, () => term('ASC')), items, dialects.sqlite)).not.toBeNull();
    expect(badRequestOf(() => compileOrder(Array.from({ length: 33 }, () => ({ kind: 'random' }) as OrderTerm), items, dialects.sqlite, 'orderBy'))).toBe(
      '客户端非法请求：参数orderBy中的排序不能超过32个',
    );
  });
});

describe('select', () => {
  it('parses comma-separated names; absent, empty and * mean every column', () => {
    expect(parseSelect('id,uuid')).toEqual(['id', 'uuid']);
    // `*` (or nothing) is every column.
    for (const all of ['*', ' * ', '', '  ', undefined]) expect(parseSelect(all), String(all)).toBeNull();
    expect(parseSelect(' id , name ,, id ')).toEqual(['id', 'name']);
    expect(parseSelect(undefined)).toBeNull();
    expect(parseSelect('')).toBeNull();
    expect(parseSelect(' * ')).toBeNull();
  });

  it('refuses anything but plain names, with the parameter named', () => {
    expect(badRequestOf(() => parseSelect('id, name AS x', 'fields'))).toBe('客户端非法请求：参数fields中的字段 "name AS x" 不存在');
    expect(badRequestOf(() => parseSelect('*, id'))).toBe('客户端非法请求：参数select中的字段 "*" 不存在');
    expect(badRequestOf(() => parseSelect('COUNT(*)', 'more_select'))).toBe('客户端非法请求：参数more_select中的字段 "COUNT(*)" 不存在');
  });

  it('takes at most 1000 names', () => {
    const names = (n: number) => Array.from({ length: n }, (_, i) => `c${i}`).join(',');
    expect(parseSelect(names(1000))).toHaveLength(1000);
    expect(badRequestOf(() => parseSelect(names(1001), 'fields'))).toBe('客户端非法请求：参数fields中的字段不能超过1000个');
    expect(parseSelect(',,')).toBeNull();
  });

  it('checks names against the table', () => {
    expect(() => checkColumns(['id', 'name'], items, 'select')).not.toThrow();
    expect(badRequestOf(() => checkColumns(['id', 'nope'], items, 'select'))).toBe('客户端非法请求：参数select中的字段 nope 不存在');
  });
});

describe('data', () => {
  const params = (entries: Record<string, string>) => new Map(Object.entries(entries));

  it('reads data JSON, or data_X which wins over it', () => {
    expect(readData(params({ data: '{"state": 1, "title": "x", "qty": null}' }))).toEqual({ state: 1, title: 'x', qty: null });
    expect(readData(params({ data: '{"state": 1}', data_title: 'YesApi', data_year: '2020' }))).toEqual({ title: 'YesApi', year: '2020' });
    expect(readData(params({}))).toBeNull();
    expect(readData(params({ data: ' ' }))).toBeNull();
  });

  it('keeps a __proto__ key a plain key', () => {
    const data = parseDataJson('{"__proto__": "p"}');
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
    expect(Object.keys(data!)).toEqual(['__proto__']);
  });

  it.each([
    ['{"a": 1', '客户端非法请求：参数data的JSON数据格式错误'],
    ['[1]', '客户端非法请求：参数data应该是JSON对象，如{"title": "x"}'],
    ['null', '客户端非法请求：参数data应该是JSON对象，如{"title": "x"}'],
    ['{"a b": 1}', '客户端非法请求：参数data中的字段 "a b" 不存在'],
    ['{"title": [1]}', '客户端非法请求：参数data中字段 title 的值应该是单个值，不能是数组或对象'],
    ['{"title": {"$gt": 1}}', '客户端非法请求：参数data中字段 title 的值应该是单个值，不能是数组或对象'],
  ])('refuses %s', (text, message) => {
    expect(badRequestOf(() => readData(params({ data: text })))).toBe(message);
  });

  it('checks data against the table', () => {
    expect(() => checkData({ id: '3', name: 'x', qty: null, price: 1.5, add_time: '2020-01-01 10:00:00', title: 5 }, items)).not.toThrow();
    expect(badRequestOf(() => checkData({ nope: 1 }, items))).toBe('客户端非法请求：参数data中的字段 nope 不存在');
    expect(badRequestOf(() => checkData({ qty: 'many' }, items))).toBe('客户端非法请求：参数data中字段 qty 的值 "many" 不是数值');
    expect(badRequestOf(() => checkData({ qty: '' }, items, 'data_qty'))).toBe('客户端非法请求：参数data_qty中字段 qty 的值 "" 不是数值');
    expect(badRequestOf(() => checkData({ title: null }, items))).toBe('客户端非法请求：参数data中字段 title 不能为NULL');
    expect(badRequestOf(() => checkData({ add_time: 'soon' }, items))).toBe('客户端非法请求：参数data中字段 add_time 的值 "soon" 不是日期时间');
    expect(badRequestOf(() => readData(params({ 'data_a-b': '1' })))).toBe('客户端非法请求：参数data_a-b中的字段 "a-b" 不存在');
    expect(badRequestOf(() => readData(params({ data_1: 'x' })))).toBe('客户端非法请求：参数data_1中的字段 "1" 不存在');
    expect(badRequestOf(() => readData(params({ data_: 'x' })))).toBe('客户端非法请求：参数data_中的字段 "" 不存在');
  });

  it('refuses data that is no object, naming data unless told otherwise', () => {
    for (const text of ['"x"', '5', 'true', '[1]']) {
      expect(badRequestOf(() => parseDataJson(text)), text).toBe('客户端非法请求：参数data应该是JSON对象，如{"title": "x"}');
    }
    expect(badRequestOf(() => dataObject([1]))).toBe('客户端非法请求：参数data应该是JSON对象，如{"title": "x"}');
    expect(badRequestOf(() => dataObject('x', 'more_data'))).toBe('客户端非法请求：参数more_data应该是JSON对象，如{"title": "x"}');
  });
});
