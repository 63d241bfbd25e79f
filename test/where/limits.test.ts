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
